package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.module.ModuleName;

/**
 * The indexes modstack writes are read by the real kmod: byte-identical indexes are the goal,
 * but what users depend on is that kmod's modprobe and modinfo answer every query on them
 * exactly as on the indexes kmod's own depmod wrote. This asks the system's kmod 30 everything
 * the indexes answer: every module name, every builtin module, every alias and builtin alias,
 * every exported symbol; through modprobe's dependency resolution ({@code --show-depends}) and
 * modinfo's lookup, in both layouts modstack writes (kmod 34's pre-order, the default, and
 * {@code --kmod-version=30}'s post-order).
 *
 * <p>All runs use the same copy of the tree, indexed in turn by kmod and by modstack, so that
 * the paths kmod prints are the same. modprobe gets {@code -C /nonexistent} so that this
 * machine's modprobe.d plays no part; the same kernel command line and /sys/module apply to
 * both sides.
 */
@Tag("conformance")
class KmodReadsOurIndexesTest {
    /** Arguments per kmod invocation, in bytes: well under ARG_MAX. */
    private static final int BATCH_BYTES = 256 * 1024;

    private Path root;
    private String release;

    /** Every query, by kind. */
    private record Queries(List<String> modules, List<String> builtins, List<String> aliases,
                           List<String> builtinAliases, List<String> symbols) {
        List<String> names() {
            List<String> all = new ArrayList<>(modules);
            all.addAll(builtins);
            return all;
        }

        List<String> lookups() {
            List<String> all = new ArrayList<>(aliases);
            all.addAll(builtinAliases);
            all.addAll(symbols);
            return all;
        }
    }

    @Test
    void kmod30ModprobeAndModinfoAnswerTheSameOnOurIndexesAsOnKmods(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        release = tree.release();
        root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path moduleDir = root.resolve("lib/modules").resolve(release);

        TreeCopy.clean(moduleDir);
        Kmod.Run depmod = Kmod.real("depmod", depmodArgs());
        assertThat(depmod.status()).as(depmod.errText()).isZero();
        Queries queries = queries(tree, moduleDir);
        Map<String, Kmod.Run> kmods = answers(queries);

        for (List<String> layout : List.of(List.<String>of(), List.of("--kmod-version=30"))) {
            TreeCopy.clean(moduleDir);
            List<String> a = new ArrayList<>(layout);
            a.addAll(depmodArgs());
            Kmod.Run ours = Kmod.ours("depmod", a);
            assertThat(ours.status()).as(ours.errText()).isZero();
            String name = layout.isEmpty() ? "kmod 34 layout" : "kmod 30 layout";
            Map<String, Kmod.Run> mine = answers(queries);
            for (Map.Entry<String, Kmod.Run> e : kmods.entrySet()) {
                Comparison.assertSame(e.getKey() + " on modstack's indexes (" + name + ") vs kmod's", e.getValue(),
                        mine.get(e.getKey()));
            }
            System.out.printf("conformance: kmod 30 modprobe/modinfo on modstack's indexes (%s): %d modules "
                            + "(+ %d builtin, %d aliases, %d builtin aliases, %d symbols; %d invocations, %d bytes "
                            + "of output), 0 mismatches%n",
                    name, queries.modules().size(), queries.builtins().size(), queries.aliases().size(),
                    queries.builtinAliases().size(), queries.symbols().size(), kmods.size(),
                    kmods.values().stream().mapToLong(r -> r.out().length + r.err().length).sum());
        }
    }

    /** Every name kmod's own indexes know, taken from kmod's text files and the tree's inputs. */
    private Queries queries(Trees.Tree tree, Path moduleDir) throws IOException {
        Set<String> modules = new LinkedHashSet<>();
        for (Path p : tree.modules()) {
            modules.add(ModuleName.fromPath(p.toString()));
        }
        Set<String> builtins = new LinkedHashSet<>();
        for (String line : Files.readAllLines(moduleDir.resolve("modules.builtin"))) {
            String base = line.substring(line.lastIndexOf('/') + 1);
            builtins.add(ModuleName.fromPath(base));
        }
        List<String> aliases = secondWords(moduleDir.resolve("modules.alias"));
        List<String> symbols = secondWords(moduleDir.resolve("modules.symbols"));
        // modules.builtin.modinfo: NUL-terminated "module.key=value" records
        Set<String> builtinAliases = new LinkedHashSet<>();
        String modinfo = new String(Files.readAllBytes(moduleDir.resolve("modules.builtin.modinfo")),
                StandardCharsets.ISO_8859_1);
        for (String record : modinfo.split("\0")) {
            int dot = record.indexOf('.');
            if (dot > 0 && record.startsWith("alias=", dot + 1)) {
                builtinAliases.add(record.substring(dot + 1 + "alias=".length()));
            }
        }
        assertThat(modules).hasSizeGreaterThan(1000);
        assertThat(builtins).isNotEmpty();
        assertThat(aliases).hasSizeGreaterThan(1000);
        assertThat(builtinAliases).isNotEmpty();
        assertThat(symbols).hasSizeGreaterThan(1000);
        return new Queries(List.copyOf(modules), List.copyOf(builtins), aliases, List.copyOf(builtinAliases),
                symbols);
    }

    /** The second word of every "alias X module" line, each once. */
    private static List<String> secondWords(Path file) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("alias ")) {
                out.add(line.split(" ")[1]);
            }
        }
        return List.copyOf(out);
    }

    /**
     * kmod 30's answers on the indexes now in the tree, by invocation: modprobe's dependency
     * list for every name and lookup, modinfo in full for every name and modinfo's file name
     * for every lookup (in full, the aliases would print gigabytes of the same records).
     */
    private Map<String, Kmod.Run> answers(Queries q) throws Exception {
        Map<String, Kmod.Run> out = new TreeMap<>();
        List<String> modprobe = args("-C", "/nonexistent", "-d", root.toString(), "-S", release,
                "-n", "-v", "--show-depends", "-a");
        List<String> modinfo = args("-b", root.toString(), "-k", release);
        List<String> modinfoName = args("-b", root.toString(), "-k", release, "-n");
        batches(out, "modprobe --show-depends of names", "modprobe", modprobe, q.names());
        batches(out, "modprobe --show-depends of aliases and symbols", "modprobe", modprobe, q.lookups());
        batches(out, "modinfo of names", "modinfo", modinfo, q.names());
        batches(out, "modinfo -n of aliases and symbols", "modinfo", modinfoName, q.lookups());
        // and a few a tool must not find
        List<String> unknown = List.of("no_such_module", "symbol:no_such_symbol", "pci:v0000FFFFd0000FFFFsv*",
                "fs-nosuchfs", "char-major-999-999");
        batches(out, "modprobe --show-depends of unknown names", "modprobe", modprobe, unknown);
        batches(out, "modinfo of unknown names", "modinfo", modinfo, unknown);
        return out;
    }

    private static void batches(Map<String, Kmod.Run> out, String what, String tool, List<String> options,
                                List<String> names) throws Exception {
        int n = 0;
        int from = 0;
        while (from < names.size()) {
            int to = from;
            int bytes = 0;
            while (to < names.size() && (to == from || bytes + names.get(to).length() + 1 < BATCH_BYTES)) {
                bytes += names.get(to).length() + 1;
                to++;
            }
            List<String> a = new ArrayList<>(options);
            a.addAll(names.subList(from, to));
            out.put(String.format("%s, batch %d (%s to %s)", what, n++, names.get(from), names.get(to - 1)),
                    Kmod.real(tool, a));
            from = to;
        }
    }

    private static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }

    /** depmod's arguments: this machine's depmod.d plays no part either. */
    private List<String> depmodArgs() {
        return args("-C", "/nonexistent-depmod.d", "-b", root.toString(), release);
    }
}
