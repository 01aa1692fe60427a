package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modstack graph} on the sample tree and on a virtual kernel. */
class GraphToolTest {
    @TempDir
    Path tmp;
    private String root;

    @BeforeEach
    void writeTree() throws Exception {
        root = tmp.resolve("root").toString();
        SampleTree.write(Path.of(root));
    }

    private SampleTree.Run graph(String... args) {
        List<String> argv = new ArrayList<>(List.of("graph", "-b", root, "-k", SampleTree.RELEASE));
        argv.addAll(List.of(args));
        return SampleTree.run(argv.toArray(String[]::new));
    }

    @Test
    void graphDrawsHardDependenciesSolidAndSoftdepsDashed() {
        assertThat(graph("stack_alias").out()).isEqualTo("""
                digraph modules {
                \tnode [shape=box, style=rounded, fontname="Helvetica"];
                \tedge [fontname="Helvetica", fontsize=10];
                \t"stack_alias" [penwidth=2];
                \t"chain_a";
                \t"chain_c";
                \t"chain_b";
                \t"stack_alias" -> "chain_a" [style=dashed, label="pre"];
                \t"stack_alias" -> "chain_c" [style=dashed, label="post"];
                \t"chain_c" -> "chain_b";
                \t"chain_b" -> "chain_a";
                }
                """);
    }

    @Test
    void graphWithUsersDrawsTheModulesAboveAModule() {
        assertThat(graph("-r", "stack_core").out()).contains("\t\"stack_user\" -> \"stack_core\";\n")
                .contains("\t\"stack_user2\" -> \"stack_core\";\n").doesNotContain("chain_a");
        assertThat(graph("stack_core").out()).doesNotContain("stack_user");
    }

    @Test
    void graphJsonIsValidAndHoldsTheDotsEdges() {
        JsonNode doc = JsonSchemas.assertValid("graph", graph("--json").out());
        String dot = graph().out();
        int edges = 0;
        for (JsonNode e : doc.get("edges")) {
            assertThat(dot).contains("\"" + e.get("from").asText() + "\" -> \"" + e.get("to").asText() + "\"");
            edges++;
        }
        assertThat(dot.lines().filter(l -> l.contains(" -> ")).count()).isEqualTo(edges);
        assertThat(doc.get("nodes").findValuesAsText("name")).contains("stack_core", "stack_user", "chain_c");
    }

    @Test
    void graphOfTheHoldersOfAVirtualKernel() {
        String kernel = "--kernel=" + tmp.resolve("kernel");
        assertThat(SampleTree.run("kernel", "boot", kernel, root).status()).isZero();
        assertThat(SampleTree.run("modprobe", kernel, "stack_user").status()).isZero();
        assertThat(SampleTree.run("graph", "-H", kernel).out()).contains("\t\"stack_user\" -> \"stack_core\" [label=\"holds\"];\n");
    }

    @Test
    void graphOfAModuleTheTreeLacksIsOneLine() {
        SampleTree.Run run = graph("nosuch");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("graph: ERROR: Module nosuch not found in ").doesNotContain("\tat ");
    }

    /** The sample stack through Graphviz, as the README shows it (docs/sample-stack.svg). */
    @Test
    void graphOfTheSampleStackRendersThroughGraphviz() throws Exception {
        boolean dot = Files.isExecutable(Path.of("/usr/bin/dot"));
        if (!dot && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Graphviz's dot is missing: run scripts/setup.sh");
        }
        Assumptions.assumeTrue(dot, "Graphviz's dot is not installed (scripts/setup.sh installs it); skipped");
        Path svg = tmp.resolve("stack.svg");
        assertThat(graph("-T", "svg", "-o", svg.toString(), "stack_user", "stack_user2", "stack_alias", "stack_prop")
                .status()).isZero();
        assertThat(Files.readString(svg)).contains("<svg").contains("stack_core").contains("chain_a");
        Path png = tmp.resolve("stack.png");
        assertThat(graph("--format=png", "-o", png.toString(), "stack_user").status()).isZero();
        assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void graphRefusesAnUnknownFormat() {
        SampleTree.Run run = graph("-T", "gif");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("graph: ERROR: unknown format 'gif': dot, svg, png or json\n");
    }
}
