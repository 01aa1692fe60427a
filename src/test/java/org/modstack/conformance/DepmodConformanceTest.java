package org.modstack.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;

/**
 * depmod against kmod 30 and kmod 34 on the real Debian trees (amd64 plain, .ko.xz, .ko.zst and
 * with our sample modules installed beside it; armhf's ELF32 and s390x's big-endian modules):
 * every file byte for byte, standard output, standard error and exit status.
 */
@Tag("conformance")
class DepmodConformanceTest {
    private static final List<String> NO_CONFIG = List.of("-C", "/nonexistent-depmod.d");

    static Stream<Arguments> debianTrees() {
        List<Arguments> out = new ArrayList<>();
        for (String tree : List.of("amd64", "amd64-xz", "amd64-zst", "armhf", "s390x")) {
            for (int version : new int[] {30, 34}) {
                out.add(Arguments.of(tree, version));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} kmod {1}")
    @MethodSource("debianTrees")
    void debianTreeIndexesMatchKmod(String treeName, int version, @TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path moduleDir = root.resolve("lib/modules").resolve(tree.release());
        List<String> args = args("-b", root.toString(), tree.release());
        int files = DepmodRuns.compare("depmod on " + treeName, version, moduleDir, args);
        DepmodRuns.compare("depmod -n on " + treeName, version, moduleDir, args("-n", "-b", root.toString(), tree.release()));
        report("depmod kmod " + version + " on " + treeName, tree.modules().size(), files);
    }

    static Stream<Arguments> generations() {
        return Trees.GENERATIONS.stream().flatMap(t -> Stream.of(Arguments.of(t, 30), Arguments.of(t, 34)));
    }

    /**
     * The other Debian generations' trees (5.10's plain .ko, 6.12's and 7.2's .ko.xz under
     * usr/lib/modules, read through the tree's lib -> usr/lib as kmod 30 needs): every file.
     */
    @ParameterizedTest(name = "{0} kmod {1}")
    @MethodSource("generations")
    void generationTreeIndexesMatchKmod(String treeName, int version, @TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path moduleDir = root.resolve("lib/modules").resolve(tree.release());
        int files = DepmodRuns.compare("depmod on " + treeName, version, moduleDir,
                args("-b", root.toString(), tree.release()));
        report("depmod kmod " + version + " on " + treeName, tree.modules().size(), files);
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void sampleModulesInExtraAndUpdatesFollowKmodsPriorities(int version, @TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path moduleDir = root.resolve("lib/modules").resolve(tree.release());
        installSamples(moduleDir);
        int files = DepmodRuns.compare("depmod with samples", version, moduleDir,
                args("-b", root.toString(), tree.release()));
        report("depmod kmod " + version + " on amd64 + samples in extra/ and updates/", tree.modules().size() + 16, files);
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void unknownSymbolsAndVersionMismatchesAreReportedAsKmodDoes(int version, @TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path moduleDir = root.resolve("lib/modules").resolve(tree.release());
        Path symvers = tree.root().resolve("Module.symvers");
        Path systemMap = tree.root().resolve("boot/System.map-" + tree.release());
        String b = root.toString();
        String r = tree.release();
        DepmodRuns.compare("-e -E", version, moduleDir, args("-e", "-E", symvers.toString(), "-b", b, r));
        DepmodRuns.compare("-e -F", version, moduleDir, args("-e", "-F", systemMap.toString(), "-b", b, r));
        DepmodRuns.compare("-e alone", version, moduleDir, args("-e", "-b", b, r));
        // Break symbols: drop an exporter everything in drm stands on, and skew two CRCs.
        Files.delete(moduleDir.resolve("kernel/drivers/gpu/drm/drm.ko"));
        Path skewed = tmp.resolve("Module.symvers");
        Files.writeString(skewed, Files.readString(symvers).replaceFirst("0x[0-9a-f]{8}(\\tkmalloc_caches\\t)", "0x00000001$1")
                .replaceFirst("0x[0-9a-f]{8}(\\tprintk\\t|\\t_printk\\t)", "0x00000002$1"));
        DepmodRuns.compare("-e -E on a broken tree", version, moduleDir, args("-e", "-E", skewed.toString(), "-b", b, r));
        DepmodRuns.compare("-e -F on a broken tree", version, moduleDir, args("-e", "-F", systemMap.toString(), "-b", b, r));
        report("depmod -e -E/-F kmod " + version + " (whole and broken tree)", tree.modules().size(), 5);
    }

    /**
     * depmod's reporting and prefix options against kmod's: {@code -v} (every module and its
     * dependencies), {@code -w} (duplicate-symbol warnings as errors), {@code -P} (a symbol
     * prefix), and {@code -A} on a tree that is, then is not, up to date.
     */
    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void verboseWarnPrefixAndQuickModesMatchKmod(int version, @TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path moduleDir = root.resolve("lib/modules").resolve(tree.release());
        installSamples(moduleDir);
        String b = root.toString();
        String r = tree.release();
        DepmodRuns.compare("depmod -v", version, moduleDir, args("-v", "-b", b, r));
        DepmodRuns.compare("depmod -w -e -E", version, moduleDir,
                args("-w", "-e", "-E", tree.root().resolve("Module.symvers").toString(), "-b", b, r));
        DepmodRuns.compare("depmod -P _", version, moduleDir, args("-P", "_", "-b", b, r));
        DepmodRuns.compareQuick("depmod -A", version, moduleDir, args("-A", "-b", b, r));
        report("depmod -v/-w/-P/-A kmod " + version + " on amd64 + samples", tree.modules().size() + 16, 4);
    }

    /**
     * kmod 34's {@code -m/--moduledir}: a tree whose modules are only under usr/lib/modules (a
     * merged-/usr package unpacked, without the lib link), found with {@code -m} relative to
     * {@code -b} whatever its leading and trailing slashes, written there and beside {@code -o};
     * a module directory that is not there, and {@code -m} without its argument, fail as kmod's.
     */
    @Test
    void moduledirPointsDepmodBelowTheBaseAsKmod34Does(@TempDir Path tmp) throws Exception {
        String r = "6.12.118+deb13-amd64";
        Path root = tmp.resolve("root");
        Path moduleDir = Files.createDirectories(root.resolve("usr/lib/modules").resolve(r));
        installSamples(moduleDir);
        String b = root.toString();
        int files = DepmodRuns.compare("-m usr/lib/modules", 34, moduleDir, args("-m", "usr/lib/modules", "-b", b, r));
        DepmodRuns.compare("--moduledir=//usr/lib/modules/", 34, moduleDir, args("--moduledir=//usr/lib/modules/", "-b", b, r));
        DepmodRuns.compare("-n -m", 34, moduleDir, args("-n", "-m", "usr/lib/modules", "-b", b, r));
        Path out = tmp.resolve("out");
        Path outModuleDir = Files.createDirectories(out.resolve("usr/lib/modules").resolve(r));
        DepmodRuns.compare("-o -m", 34, outModuleDir, args("-o", out.toString(), "-m", "/usr/lib/modules", "-b", b, r));
        DepmodRuns.compare("-m to a directory that is not there", 34, moduleDir, args("-m", "/srv/modules", "-b", b, r), 1);
        DepmodRuns.compare("-m without its argument", 34, moduleDir, List.of("-m"), 1);
        report("depmod -m/--moduledir kmod 34 (relative, slashes, -n, -o, missing directory, no argument)", 16, files);
    }

    /**
     * Command lines of random words after {@code -C /nonexistent -b ROOT}: every option both
     * releases have, alone, with and without its argument, long and abbreviated, unknown ones,
     * {@code --}, releases and module files, missing ones too (not help or version, whose text is
     * modstack's own; not {@code -m}, {@code -o} and the deprecated options, which modstack takes
     * as kmod 34 and kmod 30 do respectively, see the README). Seeded: the same each run.
     */
    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void randomCommandLinesMatchKmod(int version, @TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("root");
        Path moduleDir = Files.createDirectories(root.resolve("lib/modules/6.1.0-test"));
        installSamples(moduleDir);
        Path symvers = Files.writeString(tmp.resolve("Module.symvers"), "0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
                + "0x00000001\tstack_core_get\tvmlinux\tEXPORT_SYMBOL_GPL\t\nnot a line\n");
        List<String> words = List.of("-a", "-A", "-e", "-E", symvers.toString(), "-F", "/nonexistent", "-w", "-v",
                "-n", "-P", "_", "--quick", "--all", "--errsyms", "--warn", "--verbose", "--dry-run", "--show",
                "--symbol-prefix=_", "--filesyms", "--symvers", "--err", "--bogus", "-x", "-1", "--", "6.1.0-test",
                "9.9", tmp.toString(), moduleDir.resolve("extra/stack_core.ko").toString(), "extra/chain_a.ko",
                "/nonexistent.ko");
        Random random = new Random(3);
        for (int i = 0; i < 150; i++) {
            List<String> args = new ArrayList<>(NO_CONFIG);
            args.addAll(List.of("-b", root.toString()));
            for (int n = random.nextInt(5); n > 0; n--) {
                args.add(words.get(random.nextInt(words.size())));
            }
            DepmodRuns.compare("depmod " + args, version, moduleDir, args, DepmodRuns.ANY_STATUS);
        }
        report("depmod of 150 random command lines, kmod " + version, 16, 150);
    }

    /**
     * Our sample modules where DKMS would put them: everything in extra/, a second stack_core
     * and chain_a in updates/ (updates/ wins by default), and copies of chain_b under two
     * kernel/ subdirectories (same priority: the first found stays).
     */
    static void installSamples(Path moduleDir) throws IOException {
        Path extra = Files.createDirectories(moduleDir.resolve("extra"));
        Path updates = Files.createDirectories(moduleDir.resolve("updates/dkms"));
        for (String m : List.of("stack_core", "stack_user", "stack_nons", "stack_prop", "stack_dup", "stack_params",
                "chain_a", "chain_b", "chain_c", "stack_alias", "stack_noexit")) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
        }
        Files.copy(Fixtures.module("stack_core"), updates.resolve("stack_core.ko"));
        Files.copy(Fixtures.module("chain_a"), updates.resolve("chain-a.ko"));
        Files.copy(Fixtures.module("chain_b"), Files.createDirectories(moduleDir.resolve("kernel/misc/a")).resolve("chain_b.ko"));
        Files.copy(Fixtures.module("chain_b"), Files.createDirectories(moduleDir.resolve("kernel/misc/b")).resolve("chain_b.ko"));
    }

    static List<String> args(String... a) {
        List<String> out = new ArrayList<>(NO_CONFIG);
        out.addAll(List.of(a));
        return out;
    }

    static void report(String what, int modules, int files) {
        System.out.printf("conformance: %s: %d modules, %d files and stdout/stderr/status compared, 0 mismatches%n",
                what, modules, files);
    }
}
