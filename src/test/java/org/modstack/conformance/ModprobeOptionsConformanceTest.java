package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;
import org.modstack.cli.Main;

/**
 * modprobe on command lines of random words, always a dry run ({@code -n} first) on a tree of
 * our sample modules: options alone, bundled, abbreviated, with and without their argument,
 * unknown ones, {@code --}, module names, aliases and parameters, missing ones too (not help
 * or version, whose text is modstack's own). Seeded: the same command lines each run.
 */
@Tag("conformance")
class ModprobeOptionsConformanceTest {
    private static final String RELEASE = "1.0-test";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void randomCommandLinesBehaveAsKmods(int version) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("lib/modules").resolve(RELEASE).resolve("extra"));
        for (String m : List.of("chain_a", "chain_b", "chain_c", "stack_core", "stack_user", "stack_alias",
                "stack_params")) {
            Files.copy(Fixtures.module(m), dir.resolve(m + ".ko"));
        }
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b", tmp.toString(), RELEASE);
        Path conf = Files.writeString(tmp.resolve("modprobe.conf"), "alias my-alias chain_a\n"
                + "options chain_b p=1\ninstall stack_core /bin/true\nsoftdep stack_user pre: chain_c\n"
                + "blacklist stack_alias\n");
        List<String> words = List.of("-a", "-r", "-R", "-D", "-c", "-q", "-v", "-i", "-b", "-s", "-f", "-n",
                "--first-time", "--ignore-install", "--show-depends", "--remove-dependencies", "--resolve-alias",
                "--use-blacklist", "--force-vermagic", "--force-modversion", "--all", "--remove", "--quiet",
                "--verbose", "--show-config", "--dump-modversions", "--show-exports", "--syslog", "--dry-run",
                "--bogus", "-x", "--config=" + conf, "--config=/nonexistent", "--", "-w", "100", "--wait=1",
                "chain_a", "chain-b", "stack_core", "stack_user", "stack_alias", "my-alias", "missing",
                "p=1", "x=\"a b\"", "");
        words = new ArrayList<>(words);
        words.addAll(List.of("-C", conf.toString(), dir.resolve("chain_a.ko").toString()));
        if (version == 34) {
            words.addAll(pathWords(dir, conf));  // kmod 30 looks these up as names, as above
        }
        Random random = new Random(5);
        for (int i = 0; i < 150; i++) {
            List<String> args = new ArrayList<>(List.of("-n", "-d", tmp.toString(), "-S", RELEASE));
            for (int n = 1 + random.nextInt(5); n > 0; n--) {
                args.add(words.get(random.nextInt(words.size())));
            }
            Comparison.assertSame("modprobe " + args + " (kmod " + version + ")",
                    masked(Kmod34.real(version, "modprobe", args)), masked(Kmod34.ours(version, "modprobe", args)));
        }
        System.out.printf("conformance: modprobe of 150 random dry-run command lines, kmod %d: 0 mismatches%n", version);
    }

    /**
     * kmod 34 loads a name starting with {@code /} or {@code ./} from that file, whatever it
     * holds, named after it, its dependencies and options still those of its name; a file that
     * does not stat, or a path ending in {@code /}, is reported and ends the name's load.
     */
    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void namesThatArePathsAsKmods(int version) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("lib/modules").resolve(RELEASE).resolve("extra"));
        for (String m : List.of("chain_a", "chain_b", "chain_c")) {
            Files.copy(Fixtures.module(m), dir.resolve(m + ".ko"));
        }
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b", tmp.toString(), RELEASE);
        Path conf = Files.writeString(tmp.resolve("modprobe.conf"), "options chain_c p=1\nsoftdep chain_c pre: chain_a\n");
        Path copy = Files.copy(dir.resolve("chain_c.ko"), tmp.resolve("chain-c.ko"));
        List<String> base = List.of("-d", tmp.toString(), "-S", RELEASE, "-C", conf.toString());
        List<List<String>> lines = new ArrayList<>();
        for (String w : pathWords(dir, conf)) {
            lines.add(List.of("-n", "-v", w));
            lines.add(List.of("-R", w));
        }
        lines.add(List.of("-D", copy.toString(), "q=2"));
        lines.add(List.of("-n", "-v", "-a", copy.toString(), "./missing.ko", dir.resolve("chain_b.ko").toString()));
        lines.add(List.of("--show-depends", "--ignore-install", "-b", copy.toString()));
        for (List<String> line : lines) {
            List<String> args = new ArrayList<>(base);
            args.addAll(line);
            Comparison.assertSame("modprobe " + args + " (kmod " + version + ")",
                    Kmod34.real(version, "modprobe", args), Kmod34.ours(version, "modprobe", args));
        }
        System.out.printf("conformance: modprobe of %d names that are paths, kmod %d: 0 mismatches%n", lines.size(),
                version);
    }

    /** Words that kmod 34's modprobe takes for module files: present, missing, not modules, not files. */
    private List<String> pathWords(Path dir, Path conf) {
        return List.of(dir.resolve("chain_b.ko").toString(), dir.resolve("../extra/chain_c.ko").toString(),
                "./pom.xml", "./src", "./missing.ko", "./.", "./", "/", tmp + "/", conf + "/x", "/nonexistent/a-b.ko",
                conf.toString());
    }

    /** The addresses libkmod reports at -vv (its log function, its context), masked: ASLR moves kmod's. */
    private static Kmod.Run masked(Kmod.Run run) {
        String err = run.errText().replaceAll("(custom logging function|context) 0x[0-9a-f]+ ", "$1 0x... ");
        return new Kmod.Run(run.out(), err.getBytes(StandardCharsets.ISO_8859_1), run.status());
    }
}
