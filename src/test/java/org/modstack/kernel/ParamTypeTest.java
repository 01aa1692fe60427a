package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/** The kstrto* and kstrtobool rules parameters are parsed by. */
class ParamTypeTest {

    private static Errno rejected(ParamType t, String v) {
        return catchThrowableOfType(ErrnoException.class, () -> t.set("p", v, 16, new ArrayList<>())).errno();
    }

    @Test
    void integersTakeAnyBaseAndOneTrailingNewline() throws Exception {
        assertThat(ParamType.INT.set("p", "0x1f", 0, new ArrayList<>())).isEqualTo("31");
        assertThat(ParamType.INT.set("p", "017", 0, new ArrayList<>())).isEqualTo("15");
        assertThat(ParamType.INT.set("p", "-5\n", 0, new ArrayList<>())).isEqualTo("-5");
        assertThat(ParamType.UINT.set("p", "+7", 0, new ArrayList<>())).isEqualTo("7");
        assertThat(rejected(ParamType.UINT, "-1")).isEqualTo(Errno.EINVAL);
        assertThat(rejected(ParamType.INT, "08")).isEqualTo(Errno.EINVAL);
        assertThat(rejected(ParamType.INT, "12abc")).isEqualTo(Errno.EINVAL);
        assertThat(rejected(ParamType.INT, "")).isEqualTo(Errno.EINVAL);
    }

    @Test
    void outOfRangeIsErange() {
        assertThat(rejected(ParamType.BYTE, "256")).isEqualTo(Errno.ERANGE);
        assertThat(rejected(ParamType.SHORT, "-32769")).isEqualTo(Errno.ERANGE);
        assertThat(rejected(ParamType.ULLONG, "18446744073709551616")).isEqualTo(Errno.ERANGE);
    }

    @Test
    void boolsLookAtTheFirstCharacters() throws Exception {
        assertThat(ParamType.BOOL.set("p", "yes", 0, new ArrayList<>())).isEqualTo("Y");
        assertThat(ParamType.BOOL.set("p", "off", 0, new ArrayList<>())).isEqualTo("N");
        assertThat(ParamType.BOOL.set("p", null, 0, new ArrayList<>())).isEqualTo("Y");
        assertThat(ParamType.INVBOOL.set("p", "1", 0, new ArrayList<>())).isEqualTo("Y");
        assertThat(rejected(ParamType.BOOL, "maybe")).isEqualTo(Errno.EINVAL);
    }

    @Test
    void stringsMustFitTheirBuffer() throws Exception {
        assertThat(ParamType.STRING.set("p", "x".repeat(15), 16, new ArrayList<>())).hasSize(15);
        List<String> log = new ArrayList<>();
        ErrnoException r = catchThrowableOfType(ErrnoException.class,
                () -> ParamType.STRING.set("p", "x".repeat(16), 16, log));
        assertThat(r.errno()).isEqualTo(Errno.ENOSPC);
        assertThat(log).containsExactly("p: string doesn't fit in 15 chars.");
    }

    @Test
    void hexintShowsLikeTheKernelsPrintf() {
        assertThat(ParamType.HEXINT.formatRaw(0x10)).isEqualTo("0x000010");
        assertThat(ParamType.HEXINT.formatRaw(0xdeadbeefL)).isEqualTo("0xdeadbeef");
    }
}
