package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;

/** modinfo's option handling, getopt's messages included, against kmod's. */
@Tag("conformance")
class ModinfoOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "-F", "--foo", "--foo=1", "--author=1", "--field", "--f", "--nu",
        "-0x", "--set", "--", "-m", "-a -d", "-d -a", "--field=vermagic", "-Fvermagic",
        "-0Fvermagic", "--desc", "-F name", "-F filename", "-n -0", "-m stack_core",
        "-b /nonexistent -k 1.0 stack_core", "-k 1.0 stack_core", "-F depends -p"})
    void optionsBehaveAsKmods(String options) throws Exception {
        Trees.requireKmod();
        List<String> args = new ArrayList<>(options.isEmpty() ? List.of() : List.of(options.split(" ")));
        if (!options.contains("stack_core")) {
            args.add(Fixtures.module("stack_params").toString());
            args.add(Fixtures.module("stack_alias").toString());
        }
        Comparison.assertSame("modinfo " + options, Kmod.real("modinfo", args), Kmod.ours("modinfo", args));
    }

    /** kmod's help word for word, then the one option modstack adds. */
    @ParameterizedTest
    @ValueSource(strings = {"-h", "--help"})
    void helpIsKmodsThenModstacksOwnOption(String option) throws Exception {
        Trees.requireKmod();
        Kmod.Run kmod = Kmod.real("modinfo", List.of(option));
        Kmod.Run ours = Kmod.ours("modinfo", List.of(option));
        assertThat(ours.status()).isEqualTo(kmod.status()).isZero();
        assertThat(ours.err()).isEqualTo(kmod.err());
        assertThat(ours.outText()).startsWith(kmod.outText());
        assertThat(ours.outText().substring(kmod.outText().length())).startsWith("\t--kernel=DIR ");
    }
    /**
     * Command lines of random words: options alone, bundled, abbreviated, with and without their
     * argument, unknown ones, {@code --}, and modules by path and name, missing ones too (not
     * help or version, whose text is modstack's own). Seeded: the same command lines each run.
     */
    @Test
    void randomCommandLinesBehaveAsKmods() throws Exception {
        Trees.requireKmod();
        List<String> words = List.of("-a", "-d", "-l", "-p", "-n", "-0", "-m", "-F", "-Fname", "-Fparm", "-0F",
                "-ap", "-n0", "-x", "-k", "-b", "--author", "--description", "--license", "--parameters",
                "--filename", "--null", "--field", "--field=alias", "--field=", "--fi", "--nu", "--modname",
                "--basedir", "--basedir=/nonexistent", "--set-version=1.0", "--bogus", "--", "-", "",
                "name", "alias", "1.0", "/nonexistent", "stack_core", "missing_module",
                Fixtures.module("stack_params").toString(), Fixtures.module("stack_alias").toString(),
                Fixtures.module("chain_a").toString());
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            List<String> args = new ArrayList<>();
            for (int n = random.nextInt(6); n > 0; n--) {
                args.add(words.get(random.nextInt(words.size())));
            }
            Comparison.assertSame("modinfo " + args, Kmod.real("modinfo", args), Kmod.ours("modinfo", args));
        }
    }
}
