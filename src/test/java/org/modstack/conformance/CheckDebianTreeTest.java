package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.InTreeModules;
import org.modstack.kernel.KernelDescription;
import org.modstack.module.Compression;
import org.modstack.kernel.check.CheckKernel;
import org.modstack.kernel.check.StackCheck;
import org.modstack.kernel.check.StackModule;
import org.modstack.kernel.check.Verdict;
import org.modstack.module.ModuleName;

/**
 * {@code modstack check} on Debian's own modules of the carried kernel: each checks as loadable
 * on it, and a module checked alone (as if out-of-tree) gets the in-tree modules depmod's
 * {@code modules.dep} names for it loaded first, from the carried summary alone.
 */
@Tag("conformance")
class CheckDebianTreeTest {
    @TempDir
    Path tmp;

    /** Each carried kernel (by version) and the tree of Debian's packages it was made from. */
    private static final Map<String, String> CARRIED_TREES =
            Map.of("5.10", "amd64-5.10", "6.1", "amd64", "6.12", "amd64-6.12", "7.2", "amd64-7.2");

    private static Stream<DynamicTest> perCarriedKernel(ThrowingTest test) {
        return EmbeddedKernel.ALL.stream().map(k -> DynamicTest.dynamicTest(k.version(),
                () -> test.run(k, Trees.require(CARRIED_TREES.get(k.version())))));
    }

    private interface ThrowingTest {
        void run(EmbeddedKernel kernel, Trees.Tree tree) throws Exception;
    }

    @TestFactory
    Stream<DynamicTest> everyModuleOfEachCarriedKernelsTreeLoadsOnItInOneCheck() {
        return perCarriedKernel((carried, tree) -> {
            assertThat(tree.release()).isEqualTo(carried.release());
            List<String> errors = new ArrayList<>();
            List<StackModule> stack = StackModule.read(List.of(tree.moduleDir().resolve("kernel")),
                    (p, e) -> errors.add(e));
            try (CheckKernel kernel = CheckKernel.open(carried.version(), null, "").get(0)) {
                List<Verdict> verdicts = StackCheck.run(stack, kernel);
                assertThat(errors).isEmpty();
                assertThat(verdicts).hasSize(tree.modules().size());
                assertThat(verdicts).filteredOn(v -> !v.outcome().loaded()).isEmpty();
                // Debian's modules are signed and in-tree: only staging's taint their kernel
                assertThat(verdicts).filteredOn(v -> !v.taints().isEmpty())
                        .allMatch(v -> v.taints().equals("C") && v.file().toString().contains("/staging/"));
            }
        });
    }

    @Test
    void treeRootAsTargetGivesTheCarriedKernelsVerdicts() throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path family = tree.moduleDir().resolve("kernel/drivers/usb/serial");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = org.modstack.cli.Main.run(out, new java.io.ByteArrayOutputStream(), "check", "--json", "-k",
                Fixtures.KERNEL_6_1.release(),
                "-k", tree.root().toString(), "src/test/resources/modules/stack_nons.ko", family.toString());
        assertThat(status).isEqualTo(1);
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toByteArray());
        assertThat(doc.get("kernels")).hasSize(2);
        List<String> carried = new ArrayList<>();
        List<String> root = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : doc.get("results")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("kernel");
            (carried.size() < doc.get("results").size() / 2 ? carried : root).add(r.toString().replace("#2", ""));
        }
        assertThat(root).isEqualTo(carried).hasSizeGreaterThan(50);
    }

    @TestFactory
    Stream<DynamicTest> eachCarriedInTreeSummaryIsTheSummaryOfItsTree() {
        return perCarriedKernel((carried, tree) -> {
            StringWriter fromTree = new StringWriter();
            InTreeModules.write(KernelDescription.fromTree(tree.root(), null, ""), fromTree);
            String summary;
            try (InputStream in = EmbeddedKernel.class.getResourceAsStream(
                    "embedded-kernel/" + carried.version() + "/in-tree-modules.xz")) {
                ByteBuffer b = Compression.XZ.decompress(in.readAllBytes());
                summary = StandardCharsets.ISO_8859_1.decode(b).toString();
            }
            assertThat(summary).as("in-tree-modules.xz is not the tree's; scripts/embedded-kernel-resources"
                    + " regenerates it").isEqualTo(fromTree.toString());
        });
    }

    @TestFactory
    Stream<DynamicTest> moduleCheckedAloneGetsModulesDepDependenciesLoadedFirst() throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Map<String, List<String>> deps = modulesDep(tree.moduleDir());
        List<String> sample = new ArrayList<>(deps.keySet()).stream().sorted().toList();
        List<String> every50th = new ArrayList<>();
        for (int i = 0; i < sample.size(); i += 50) {
            every50th.add(sample.get(i));
        }
        every50th.addAll(List.of("kernel/drivers/usb/storage/usb-storage.ko", "kernel/drivers/net/vxlan/vxlan.ko"));
        return every50th.stream().map(rel -> DynamicTest.dynamicTest(rel, () -> {
            Path copy = Files.createDirectories(tmp.resolve(rel).getParent()).resolve(Path.of(rel).getFileName());
            Files.copy(tree.moduleDir().resolve(rel), copy);
            try (CheckKernel kernel = CheckKernel.open(Fixtures.KERNEL_6_1.release(), null, "").get(0)) {
                Verdict v = StackCheck.run(StackModule.read(List.of(copy), (p, e) -> {
                    throw new AssertionError(e);
                }), kernel).get(0);
                assertThat(v.outcome().loaded()).as(v.toString()).isTrue();
                assertThat(v.inTreeLoaded()).containsExactlyInAnyOrderElementsOf(deps.get(rel));
            }
        }));
    }

    /** modules.dep: each module's path and the names of the modules it needs. */
    private static Map<String, List<String>> modulesDep(Path moduleDir) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        for (String line : Files.readAllLines(moduleDir.resolve("modules.dep"), StandardCharsets.ISO_8859_1)) {
            int colon = line.indexOf(':');
            String rest = line.substring(colon + 1).strip();
            out.put(line.substring(0, colon), rest.isEmpty() ? List.of()
                    : Stream.of(rest.split(" ")).map(ModuleName::fromPath).toList());
        }
        return out;
    }
}
