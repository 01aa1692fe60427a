package org.modstack.conformance;

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

/**
 * depmod.d directives, file precedence, bad lines, a dependency cycle and an empty tree, on
 * small trees of our sample modules, against kmod 30 and 34.
 */
@Tag("conformance")
class DepmodConfigConformanceTest {
    private static final String RELEASE = "6.1.0-test";

    @TempDir
    Path tmp;

    private Path root;
    private Path moduleDir;

    private void sampleTree() throws Exception {
        root = tmp.resolve("root");
        moduleDir = Files.createDirectories(root.resolve("lib/modules").resolve(RELEASE));
        DepmodConformanceTest.installSamples(moduleDir);
        Path other = Files.createDirectories(moduleDir.resolve("kernel/other"));
        Files.copy(Fixtures.module("stack_core"), other.resolve("stack_core.ko"));
        Files.writeString(moduleDir.resolve("modules.order"), "kernel/misc/b/chain_b.ko\nextra/chain_c.ko\n");
    }

    /** A directory outside the tree holding copies of chain_c and stack_core, for {@code external}. */
    private Path externalModules() throws Exception {
        Path ext = Files.createDirectories(tmp.resolve("external-modules"));
        Files.copy(Fixtures.module("chain_c"), ext.resolve("chain_c.ko"));
        Files.copy(Fixtures.module("stack_core"), ext.resolve("stack_core.ko"));
        return ext;
    }

    private Path config(String name, String text) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("depmod.d"));
        return Files.writeString(dir.resolve(name), text);
    }

    private void compare(int version, String what, String... configs) throws Exception {
        compare(version, what, 0, configs);
    }

    private void compare(int version, String what, int kmodStatus, String... configs) throws Exception {
        List<String> args = new ArrayList<>();
        for (String c : configs) {
            args.add("-C");
            args.add(c);
        }
        args.addAll(List.of("-b", root.toString(), RELEASE));
        DepmodRuns.compare(what, version, moduleDir, args, kmodStatus);
        System.out.printf("conformance: depmod kmod %d, %s: 0 mismatches%n", version, what);
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void eachDirectiveDecidesWhichCopyWins(int version) throws Exception {
        sampleTree();
        Path ext = externalModules();
        String dir = tmp.resolve("depmod.d").toString();
        config("a.conf", "search extra updates built-in\n");
        compare(version, "search extra before updates", dir);
        config("a.conf", "search updates built-in extra\n# comment\n\nsearch kernel/other\n");
        compare(version, "two search lines", dir);
        config("a.conf", "override stack_core * kernel/other\noverride chain_b " + RELEASE + " kernel/misc/b\n"
                + "override chain_a 5.* extra\n");
        compare(version, "override (matching and not)", dir);
        config("a.conf", "search external built-in\nexternal * " + ext + "\nexternal 9.9 /nowhere\n");
        compare(version, "external directories", dir);
        config("a.conf", "exclude updates misc\n");
        compare(version, "exclude", dir);
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void filesAreReadByNameAndTheFirstDirectoryWins(int version) throws Exception {
        sampleTree();
        Path first = Files.createDirectories(tmp.resolve("etc"));
        Path second = Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(first.resolve("b.conf"), "search extra\n");
        Files.writeString(second.resolve("b.conf"), "search updates\n");
        Files.writeString(second.resolve("a.conf"), "override stack_core * kernel/other\n");
        Files.writeString(second.resolve("ignored.txt"), "search kernel\n");
        Files.createDirectories(second.resolve("dir.conf"));
        compare(version, "two config directories", first.toString(), second.toString());
        Path single = Files.writeString(tmp.resolve("single.conf"), "search kernel/misc\n");
        compare(version, "a config file given directly", single.toString(), second.toString());
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void badLinesAreReportedWithTheirLineNumbers(int version) throws Exception {
        sampleTree();
        config("bad.conf", "bogus command\noverride stack_core\nexternal *\nsearch \\\nextra\ninclude x\n"
                + "\tsearch\tupdates  \nmake_map_files\n");
        compare(version, "bad lines", tmp.resolve("depmod.d").toString());
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void aCycleIsReportedAndNothingWritten(int version) throws Exception {
        root = tmp.resolve("root");
        moduleDir = Files.createDirectories(root.resolve("lib/modules").resolve(RELEASE));
        Path extra = Files.createDirectories(moduleDir.resolve("extra"));
        for (String m : List.of("cycle_x", "cycle_y", "chain_a", "chain_b", "stack_core", "stack_user")) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
        }
        compare(version, "dependency cycle", 1, "/nonexistent");
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void anEmptyTreeGivesEmptyIndexes(int version) throws Exception {
        root = tmp.resolve("root");
        moduleDir = Files.createDirectories(root.resolve("lib/modules").resolve(RELEASE));
        compare(version, "empty tree", "/nonexistent");
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void danglingLinksLoopsAndFifosAreReportedAsKmodDoes(int version) throws Exception {
        sampleTree();
        Path extra = moduleDir.resolve("extra");
        Files.createSymbolicLink(extra.resolve("dangling.ko"), Path.of("/nowhere"));
        Files.createSymbolicLink(Files.createDirectories(extra.resolve("deeper")).resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(extra.resolve("linked.ko"), extra.resolve("stack_core.ko"));
        new ProcessBuilder("mkfifo", extra.resolve("fifo.ko").toString()).start().waitFor();
        compare(version, "dangling link, link loop, fifo", "/nonexistent");
        // a run without a cache stats for the file type alone
        DepmodRuns.compare("the same, no cache", version, moduleDir,
                List.of("-C", "/nonexistent", "-b", root.toString(), RELEASE), 0, List.of("--no-cache"));
        System.out.printf("conformance: depmod kmod %d, dangling link, link loop, fifo, no cache: 0 mismatches%n", version);
        // -A walks the tree first, saying what it cannot read, up to the first newer module
        DepmodRuns.compareQuick("the same, -A", version, moduleDir,
                List.of("-A", "-C", "/nonexistent", "-b", root.toString(), RELEASE));
        System.out.printf("conformance: depmod kmod %d, dangling link, link loop, fifo, -A: 0 mismatches%n", version);
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void explicitModuleListsAndBadVersionsBehaveAsKmods(int version) throws Exception {
        sampleTree();
        String core = moduleDir.resolve("extra/stack_core.ko").toString();
        String user = moduleDir.resolve("extra/stack_user.ko").toString();
        DepmodRuns.compare("explicit modules", version, moduleDir, List.of("-b", root.toString(), RELEASE, core, user));
        DepmodRuns.compare("relative module", version, moduleDir, List.of("-b", root.toString(), RELEASE, "x.ko"), 1);
        DepmodRuns.compare("missing module", version, moduleDir, List.of("-b", root.toString(), RELEASE, "/nope/x.ko"), 1);
        DepmodRuns.compare("bad version", version, moduleDir, List.of("-b", root.toString(), "notaversion"), 1);
        System.out.printf("conformance: depmod kmod %d, explicit module lists and bad versions: 0 mismatches%n", version);
    }
    /**
     * depmod.d files of random lines: each directive with the arguments that decide which copy of
     * a module wins (present and missing directories, matching and other versions, patterns) and
     * too few or too many, unknown words, continuations and comments. Seeded: the same files each
     * run.
     */
    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void randomDirectivesGetKmodsIndexes(int version) throws Exception {
        sampleTree();
        Path ext = externalModules();
        Random random = new Random(7);
        List<List<String>> words = List.of(
                List.of("search", "override", "external", "exclude", "make_map_files", "include", "bogus", "#", ""),
                List.of("extra", "updates", "built-in", "external", "kernel/other", "kernel", "misc", "nowhere",
                        "kernel/misc/b"),
                List.of("stack_core", "chain_b", "chain_a", "chain_c", "*", "stack-core", "none"),
                List.of("*", RELEASE, "5.*", "6.1.*", "6.1.0-test*", "[6]*"),
                List.of(ext.toString(), "/nowhere", "external-modules", ext + "/"));
        List<String> blanks = List.of(" ", " ", "\t", "  ", " \\\n");
        for (int i = 0; i < 40; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = 1 + random.nextInt(5); n > 0; n--) {
                text.append(words.get(0).get(random.nextInt(words.get(0).size())));
                for (int w = random.nextInt(5); w > 0; w--) {
                    List<String> from = words.get(1 + random.nextInt(words.size() - 1));
                    text.append(blanks.get(random.nextInt(blanks.size())).translateEscapes())
                            .append(from.get(random.nextInt(from.size())));
                }
                text.append('\n');
            }
            config("random.conf", text.toString());
            compare(version, "random directives " + i, tmp.resolve("depmod.d").toString());
        }
    }
}
