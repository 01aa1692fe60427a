package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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
import org.modstack.Fixtures;
import org.modstack.module.ModuleName;

/**
 * modprobe's plans against kmod 30's on the Debian trees, with no configuration: every module,
 * a concrete device alias for every alias pattern, and {@code symbol:} of every exported symbol,
 * each batched into a few {@code -a} invocations.
 */
@Tag("conformance")
class ModprobeConformanceTest {
    private static final int BATCH = 4000;

    private static List<String> base(Trees.Tree tree) {
        return new ArrayList<>(List.of("-C", "/nonexistent", "-d", tree.root().toString(), "-S", tree.release()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "armhf", "s390x"})
    void showDependsOfEveryModuleMatchesKmod(String treeName) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        compareBatched("--show-depends of every module on " + treeName, tree, List.of("--show-depends", "-a"),
                everyModule(tree), true);
    }

    static Stream<Arguments> generations() {
        return Trees.GENERATIONS.stream().flatMap(t -> Stream.of(Arguments.of(t, 30), Arguments.of(t, 34)));
    }

    /** The other Debian generations' trees (depmod'ed by kmod 34), against kmod 30 and kmod 34. */
    @ParameterizedTest(name = "{0} kmod {1}")
    @MethodSource("generations")
    void showDependsOfEveryModuleOfEachGenerationMatchesKmod(String treeName, int version) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        compareBatched("--show-depends of every module on " + treeName, tree, List.of("--show-depends", "-a"),
                everyModule(tree), true, version);
    }

    /** Every module of the tree and every built-in, by name, and one name that is neither. */
    private static List<String> everyModule(Trees.Tree tree) throws java.io.IOException {
        Set<String> names = new LinkedHashSet<>();
        tree.modules().forEach(p -> names.add(ModuleName.fromPath(p.toString())));
        for (String l : Files.readAllLines(tree.moduleDir().resolve("modules.builtin"))) {
            names.add(ModuleName.fromPath(l));
        }
        names.add("no-such-module");
        return new ArrayList<>(names);
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64"})
    void showDependsAndResolveOfEveryAliasMatchKmod(String treeName) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        List<String> aliases = new ArrayList<>();
        for (String l : Files.readAllLines(tree.moduleDir().resolve("modules.alias"))) {
            if (l.startsWith("alias ")) {
                aliases.add(instance(l.substring(6, l.lastIndexOf(' '))));
            }
        }
        compareBatched("--show-depends of a device alias for every alias pattern", tree,
                List.of("--show-depends", "-a"), aliases, false);
        compareBatched("-R of every alias", tree, List.of("-R", "-a"), aliases, false);
        List<String> filled = new ArrayList<>();
        for (String l : Files.readAllLines(tree.moduleDir().resolve("modules.alias"))) {
            if (l.startsWith("alias ")) {
                filled.add(instance(l.substring(6, l.lastIndexOf(' ')), "X9"));
            }
        }
        compareBatched("-R of every alias, each * standing for a non-empty string", tree, List.of("-R", "-a"),
                filled, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64"})
    void showDependsOfEverySymbolMatchesKmod(String treeName) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        List<String> symbols = new ArrayList<>();
        for (String l : Files.readAllLines(tree.moduleDir().resolve("modules.symbols"))) {
            if (l.startsWith("alias symbol:")) {
                symbols.add(l.substring(6, l.lastIndexOf(' ')));
            }
        }
        symbols.add("symbol:no_such_symbol");
        compareBatched("--show-depends of every exported symbol", tree, List.of("--show-depends", "-a"), symbols, true);
    }

    /**
     * {@code modprobe -c} as a user runs it, on the real tree: the rich configuration (bad lines
     * and all), then every alias and symbol alias of the tree's indexes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"amd64"})
    void showConfigWithTheIndexesAliasesMatchesKmod(String treeName) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        List<String> args = List.of("-c", "-C", Fixtures.resource("config/rich").toString(),
                "-d", tree.root().toString(), "-S", tree.release());
        Kmod.Run kmod = Kmod.real("modprobe", args);
        assertThat(kmod.status()).as("kmod's modprobe -c: " + kmod.errText()).isZero();
        assertThat(kmod.outText()).contains("\nalias symbol:").contains("\nalias pci:");
        Comparison.assertSame("modprobe -c on " + treeName, kmod, Kmod.ours("modprobe", args));
        System.out.printf("conformance: modprobe -c on %s: %d lines compared, 0 mismatches%n", treeName,
                kmod.outText().lines().count());
    }

    /** {@link #instance(String, String)} with every {@code *} matching nothing. */
    static String instance(String pattern) {
        return instance(pattern, "");
    }

    /**
     * A concrete name the pattern matches, as a device would present it: {@code *} matches
     * {@code star}, {@code ?} a digit, a bracket its first character.
     */
    static String instance(String pattern, String star) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                sb.append(star);
            } else if (c == '?') {
                sb.append('0');
            } else if (c == '[') {
                int close = pattern.indexOf(']', i + 2);
                char first = pattern.charAt(i + 1);
                sb.append(first == '!' || first == '^' ? '~' : first);
                i = close < 0 ? pattern.length() : close;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The names added on purpose that no tree has. */
    private static final Set<String> MISSING = Set.of("no-such-module", "symbol:no_such_symbol");

    private static void compareBatched(String what, Trees.Tree tree, List<String> mode, List<String> names,
                                       boolean everyNameExists) throws Exception {
        compareBatched(what, tree, mode, names, everyNameExists, 30);
    }

    private static void compareBatched(String what, Trees.Tree tree, List<String> mode, List<String> names,
                                       boolean everyNameExists, int version) throws Exception {
        for (int from = 0; from < names.size(); from += BATCH) {
            List<String> args = base(tree);
            args.addAll(mode);
            args.addAll(names.subList(from, Math.min(names.size(), from + BATCH)));
            List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
            Kmod.Run kmod = Kmod34.real(version, "modprobe", args);
            assertThat(kmod.out().length).as("kmod's modprobe printed a plan").isPositive();
            if (everyNameExists && batch.stream().noneMatch(MISSING::contains)) {
                assertThat(kmod.status()).as("kmod's modprobe found every name of " + what + " (from " + from + "): "
                        + kmod.errText()).isZero();
            }
            Comparison.assertSame(what + " (from " + from + ", kmod " + version + ")", kmod,
                    Kmod34.ours(version, "modprobe", args));
        }
        System.out.printf("conformance: modprobe %s (%s, kmod %d): %d names compared, 0 mismatches%n", what, tree.name(),
                version, names.size());
    }
}
