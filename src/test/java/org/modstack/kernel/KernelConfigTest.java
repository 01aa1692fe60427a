package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class KernelConfigTest {

    @Test
    void enabledOptionsAreTheLinesSetToY() {
        String dotConfig = "#\n# CONFIG_MODULE_SIG_FORCE is not set\nCONFIG_MODVERSIONS=y\nCONFIG_E1000=m\n"
                + "CONFIG_MODULE_SIG=y\r\nCONFIG_LOCALVERSION=\"y\"\nCONFIG_X=y=y\n=y\nCONFIG_SMP=y";
        assertThat(KernelConfig.enabled(dotConfig.getBytes(StandardCharsets.ISO_8859_1)))
                .containsExactlyInAnyOrder("CONFIG_MODVERSIONS", "CONFIG_MODULE_SIG", "CONFIG_SMP");
    }

    /** The byte scan agrees with the reading it replaced: lines split as readAllLines splits them, the value after the first '='. */
    @Property(tries = 2000)
    void enabledAgreesWithALineByLineReading(@ForAll("configs") String text) throws IOException {
        Set<String> expected = new HashSet<>();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0 && line.substring(eq + 1).equals("y")) {
                    expected.add(line.substring(0, eq));
                }
            }
        }
        assertThat(KernelConfig.enabled(text.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> configs() {
        return Arbitraries.strings().withChars("CAy=#m\n\r ").ofMaxLength(60);
    }
}
