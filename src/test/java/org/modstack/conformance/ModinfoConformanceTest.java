package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.module.ModuleName;

/**
 * {@code modinfo} against kmod's on every module of real Debian trees: by path in each output
 * mode, and by name through the tree's indexes. One kmod invocation covers a whole tree.
 */
@Tag("conformance")
class ModinfoConformanceTest {

    static final List<String> TREES = List.of("amd64", "amd64-xz", "amd64-zst", "armhf", "s390x");

    static Stream<Arguments> pathModes() {
        List<List<String>> modes = List.of(List.of(), List.of("-0"), List.of("-p"), List.of("-n"),
                List.of("-F", "vermagic"), List.of("-F", "alias"), List.of("-F", "signer"),
                List.of("-0", "-F", "parmtype"));
        List<Arguments> out = new ArrayList<>();
        for (String tree : TREES) {
            for (List<String> mode : modes) {
                out.add(Arguments.of(tree, mode));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathModes")
    void everyModuleByPathMatchesKmod(String treeName, List<String> mode) throws IOException, InterruptedException {
        Trees.Tree tree = Trees.require(treeName);
        List<String> args = new ArrayList<>(mode);
        List<Path> modules = tree.modules();
        modules.forEach(p -> args.add(p.toString()));
        compare("modinfo " + String.join(" ", mode) + " on " + treeName, modules.size(), args, 0);
    }

    static Stream<Arguments> nameModes() {
        return TREES.stream().flatMap(t -> Stream.of(Arguments.of(t, List.of()), Arguments.of(t, List.of("-m")),
                Arguments.of(t, List.of("-F", "filename"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("nameModes")
    void everyModuleAndBuiltinByNameMatchesKmod(String treeName, List<String> mode)
            throws IOException, InterruptedException {
        Trees.Tree tree = Trees.require(treeName);
        Set<String> names = new LinkedHashSet<>();
        tree.modules().forEach(p -> names.add(ModuleName.fromPath(p.toString())));
        names.addAll(builtinNames(tree));
        names.add("no-such-module");
        List<String> args = new ArrayList<>(mode);
        args.addAll(List.of("-b", tree.root().toString(), "-k", tree.release()));
        args.addAll(names);
        // every name is a module or a built-in, but the last: kmod reports that one and exits 1
        compare("modinfo -b -k " + String.join(" ", mode) + " by name on " + treeName, names.size(), args, 1);
    }

    /**
     * The other Debian generations' trees: every module by path, and every module and built-in by
     * name ({@code -b -k}, through the tree's lib -> usr/lib for 6.12 and 7.2), against kmod 30
     * and kmod 34, whose modinfo print the same here.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("generationTrees")
    void everyModuleOfEachGenerationMatchesKmod30And34(String treeName) throws IOException, InterruptedException {
        Trees.Tree tree = Trees.require(treeName);
        List<String> byPath = new ArrayList<>();
        tree.modules().forEach(p -> byPath.add(p.toString()));
        Set<String> names = new LinkedHashSet<>();
        tree.modules().forEach(p -> names.add(ModuleName.fromPath(p.toString())));
        names.addAll(builtinNames(tree));
        List<String> byName = new ArrayList<>(List.of("-b", tree.root().toString(), "-k", tree.release()));
        byName.addAll(names);
        for (List<String> args : List.of(byPath, byName)) {
            String what = "modinfo " + (args == byPath ? "by path" : "-b -k by name") + " on " + treeName;
            Kmod.Run ours = Kmod.ours("modinfo", args);
            Kmod.Run kmod30 = Kmod.real("modinfo", args);
            assertThat(kmod30.status()).as(what + ": kmod's exit status: " + kmod30.errText()).isZero();
            assertThat(kmod30.out().length).as("kmod printed something").isPositive();
            Comparison.assertSame(what + " (kmod 30)", kmod30, ours);
            List<String> kmod34 = Kmod34.kmod34("modinfo");
            kmod34.addAll(args);
            Comparison.assertSame(what + " (kmod 34)", Kmod.exec(kmod34), ours);
            System.out.printf("conformance: %s: %d modules, kmod 30 and kmod 34, 0 mismatches (%d bytes of output)%n",
                    what, args == byPath ? args.size() : names.size(), kmod30.out().length);
        }
    }

    static Stream<String> generationTrees() {
        return Trees.GENERATIONS.stream();
    }

    /** modinfo by alias: each alias pattern's device string resolves to the same modules' files as kmod's. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"amd64"})
    void everyAliasResolvesToTheSameModulesAsKmod(String treeName) throws IOException, InterruptedException {
        Trees.Tree tree = Trees.require(treeName);
        List<String> args = new ArrayList<>(List.of("-b", tree.root().toString(), "-k", tree.release(), "-F", "filename"));
        int aliases = 0;
        for (String l : Files.readAllLines(tree.moduleDir().resolve("modules.alias"))) {
            if (l.startsWith("alias ")) {
                args.add(ModprobeConformanceTest.instance(l.substring(6, l.lastIndexOf(' '))));
                aliases++;
            }
        }
        Kmod.Run kmod = Kmod.real("modinfo", args);
        assertThat(kmod.out().length).as("kmod printed something").isPositive();
        Comparison.assertSame("modinfo -F filename by alias on " + treeName, kmod, Kmod.ours("modinfo", args));
        System.out.printf("conformance: modinfo by alias on %s: %d aliases compared, 0 mismatches%n", treeName, aliases);
    }

    private static List<String> builtinNames(Trees.Tree tree) throws IOException {
        Path builtin = tree.moduleDir().resolve("modules.builtin");
        return Files.readAllLines(builtin).stream()
                .map(l -> ModuleName.fromPath(l.strip())).filter(s -> !s.isEmpty()).toList();
    }

    private static void compare(String what, int count, List<String> args, int kmodStatus)
            throws IOException, InterruptedException {
        Kmod.Run kmod = Kmod.real("modinfo", args);
        Kmod.Run ours = Kmod.ours("modinfo", args);
        assertThat(kmod.status()).as("kmod's modinfo exit status (" + kmod.errText().lines().findFirst().orElse("")
                + ")").isEqualTo(kmodStatus);
        assertThat(kmod.errText().lines().count()).as("kmod's errors").isEqualTo(kmodStatus);
        assertThat(kmod.out().length).as("kmod printed something").isPositive();
        Comparison.assertSame(what, kmod, ours);
        System.out.printf("conformance: %s: %d modules compared, 0 mismatches (%d bytes of output)%n",
                what, count, kmod.out().length);
    }
}
