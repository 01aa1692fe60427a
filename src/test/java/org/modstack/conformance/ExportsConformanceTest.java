package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.module.Export;
import org.modstack.module.KernelModule;

/**
 * Every export of every module of a Debian tree, as the library reads it (name, GPL-only,
 * namespace, CRC), is what the kernel build's own {@code Module.symvers} (from the headers
 * package) says of it. On 7.x GPL-only is a flag byte per symbol in {@code __kflagstab}, not a
 * {@code __ksymtab_gpl} section: reading it wrong lets a non-GPL module use a GPL-only export.
 */
@Tag("conformance")
class ExportsConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "amd64-5.10", "amd64-6.12", "amd64-7.2"})
    void everyModulesExportsAreWhatModuleSymversSays(String name) throws Exception {
        Trees.Tree tree = Trees.require(name);
        Map<String, Set<String>> want = symversByModule(tree.root().resolve("Module.symvers"));
        Path kernelDir = tree.moduleDir().resolve("kernel");
        Map<String, Set<String>> got = tree.modules().parallelStream()
                .collect(Collectors.toConcurrentMap(p -> modulePath(kernelDir, p), ExportsConformanceTest::exportLines));
        got.values().removeIf(Set::isEmpty);
        List<String> differ = new ArrayList<>();
        for (String module : new TreeSet<>(union(want.keySet(), got.keySet()))) {
            if (!want.getOrDefault(module, Set.of()).equals(got.getOrDefault(module, Set.of()))) {
                differ.add(module + ": Module.symvers " + want.get(module) + ", modstack " + got.get(module));
            }
        }
        assertThat(differ).as("%s: modules whose exports differ from Module.symvers", name).isEmpty();
        System.out.println("[exports] " + name + ": " + got.size() + " exporting modules, "
                + got.values().stream().mapToInt(Set::size).sum() + " exports, as Module.symvers says");
    }

    /** vxlan on 7.2: four GPL-only exports, flagged 0x01 in __kflagstab, no __ksymtab_gpl, no CRCs. */
    @Test
    void kflagstabMarksGplOnlyExportsOn72() throws Exception {
        Trees.Tree tree = Trees.require("amd64-7.2");
        KernelModule vxlan = KernelModule.open(tree.moduleDir().resolve("kernel/drivers/net/vxlan/vxlan.ko.xz"));
        assertThat(vxlan.elf().section("__ksymtab_gpl")).isEmpty();
        assertThat(vxlan.elf().section("__kflagstab")).isPresent();
        assertThat(vxlan.exports()).extracting(Export::name).containsExactlyInAnyOrder(
                "vxlan_dev_create", "vxlan_fdb_clear_offload", "vxlan_fdb_find_uc", "vxlan_fdb_replay");
        assertThat(vxlan.exports()).allSatisfy(e -> {
            assertThat(e.gplOnly()).as(e.name()).isTrue();
            assertThat(e.crc()).as(e.name()).isEmpty();
        });
    }

    private static Collection<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** kernel/drivers/net/vxlan/vxlan.ko.xz -> drivers/net/vxlan/vxlan, as Module.symvers names it. */
    private static String modulePath(Path kernelDir, Path module) {
        return kernelDir.relativize(module).toString().replaceFirst("\\.ko(\\.xz|\\.zst|\\.gz)?$", "");
    }

    private static Set<String> exportLines(Path module) {
        try {
            return KernelModule.open(module).exports().stream()
                    .map(e -> line(e.crc().orElse(0), e.name(), e.gplOnly(), e.namespace().orElse("")))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException(module + ": " + e.getMessage(), e);
        }
    }

    private static String line(long crc, String sym, boolean gplOnly, String namespace) {
        return String.format("0x%08x %s %s %s", crc, sym, gplOnly ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL", namespace);
    }

    /** Module.symvers: crc, symbol, module (or vmlinux), export kind, namespace; tab-separated. */
    private static Map<String, Set<String>> symversByModule(Path symvers) {
        try {
            return Files.readAllLines(symvers, StandardCharsets.UTF_8).stream()
                    .map(l -> l.split("\t", -1))
                    .filter(w -> w.length >= 4 && !w[2].equals("vmlinux"))
                    .collect(Collectors.groupingBy(w -> w[2], Collectors.mapping(
                            w -> line(Long.decode(w[0]), w[1], w[3].equals("EXPORT_SYMBOL_GPL"),
                                    w.length > 4 ? w[4] : ""),
                            Collectors.toCollection(TreeSet::new))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
