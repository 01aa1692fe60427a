package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deps --json} and {@code modprobe -D/-n --json} on the sample tree: valid under their
 * schemas, and saying what the plain outputs say.
 */
class StackJsonTest {
    @TempDir
    Path tmp;
    private String root;

    @BeforeEach
    void writeTree() throws Exception {
        root = tmp.resolve("root").toString();
        SampleTree.write(Path.of(root));
    }

    @Test
    void depsJsonHoldsTheDirectEdgesNotTheClosure() {
        JsonNode doc = JsonSchemas.assertValid("deps",
                SampleTree.run("deps", "-b", root, "-k", SampleTree.RELEASE, "--json").out());
        JsonNode chainC = node(doc, "chain_c");
        assertThat(chainC.get("depends").findValuesAsText("name")).containsExactly("chain_b");
        assertThat(node(doc, "stack_user").get("depends").get(0).get("symbols").findValuesAsText(""))
                .isEmpty();
        assertThat(texts(node(doc, "stack_user").get("depends").get(0).get("symbols")))
                .containsExactly("stack_exp_int", "stack_sysinfo", "stack_get_skey");
    }

    @Test
    void depsJsonEqualsThePlainListing() {
        String plain = SampleTree.run("deps", "-b", root, "-k", SampleTree.RELEASE).out();
        JsonNode doc = JsonSchemas.assertValid("deps",
                SampleTree.run("deps", "-b", root, "-k", SampleTree.RELEASE, "-J").out());
        StringBuilder rebuilt = new StringBuilder();
        for (JsonNode m : doc.get("modules")) {
            rebuilt.append(m.get("name").asText()).append(':');
            m.get("depends").forEach(d -> rebuilt.append(' ').append(d.get("name").asText()));
            for (String when : List.of("pre", "post")) {
                List<String> soft = new ArrayList<>();
                m.get("softdeps").forEach(s -> {
                    if (s.get("when").asText().equals(when)) {
                        soft.add(s.get("name").asText());
                    }
                });
                if (!soft.isEmpty()) {
                    rebuilt.append(' ').append(when).append(": ").append(String.join(" ", soft));
                }
            }
            rebuilt.append('\n');
        }
        assertThat(rebuilt.toString()).isEqualTo(plain);
        assertThat(node(doc, "stack_alias").get("softdeps")).isNotEmpty();
    }

    @Test
    void depsOfAModuleTheTreeLacksIsOneLine() {
        SampleTree.Run run = SampleTree.run("deps", "-b", root, "-k", SampleTree.RELEASE, "nosuch");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("deps: ERROR: Module nosuch not found in " + root + "/lib/modules/"
                + SampleTree.RELEASE + "/modules.dep.\n");
    }

    @Test
    void modprobeShowDependsJsonIsThePlanModprobePrints() {
        String[] base = {"-d", root, "-S", SampleTree.RELEASE, "-C", tmp.resolve("none").toString()};
        for (String mode : List.of("-D", "-n")) {
            // -n prints its steps only when verbose, as kmod's
            String plain = SampleTree.run(concat("modprobe", mode.equals("-n") ? "-nv" : mode, base, "chain_c")).out();
            JsonNode doc = JsonSchemas.assertValid("modprobe-plan",
                    SampleTree.run(concat("modprobe", mode, base, "--json", "chain_c")).out());
            StringBuilder rebuilt = new StringBuilder();
            doc.get("plan").forEach(s -> rebuilt.append("insmod ").append(s.get("file").asText()).append(' ')
                    .append(s.get("options").asText()).append('\n'));
            assertThat(rebuilt.toString()).as(mode).isEqualTo(plain);
            assertThat(texts(doc.get("plan"), "role")).containsExactly("dependency", "dependency", "target");
        }
    }

    @Test
    void modprobeJsonWithoutAPlanIsRefused() {
        SampleTree.Run run = SampleTree.run("modprobe", "-d", root, "-S", SampleTree.RELEASE, "--json", "chain_c");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("modprobe: ERROR: --json prints a load plan: use it with -D or -n, without -r or -R\n");
    }

    private static String[] concat(String tool, String mode, String[] base, String... rest) {
        List<String> out = new ArrayList<>(List.of(tool, mode));
        out.addAll(List.of(base));
        out.addAll(List.of(rest));
        return out.toArray(String[]::new);
    }

    private static JsonNode node(JsonNode doc, String name) {
        for (JsonNode m : doc.get("modules")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name + " not in the deps output");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }
}
