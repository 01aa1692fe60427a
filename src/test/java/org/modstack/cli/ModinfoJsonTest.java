package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.conformance.Trees;

/**
 * {@code modinfo --json}: valid under {@code docs/schema/modinfo.schema.json}, and saying what
 * the plain outputs say (modinfo's {@code -0} listing, modprobe's {@code --show-exports}).
 */
class ModinfoJsonTest {
    @TempDir
    Path tmp;

    @Test
    void modinfoJsonOfTheSampleTreeIsValidAndEqualsThePlainOutput() throws IOException {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        checkAgainstPlain(root, SampleTree.RELEASE, SampleTree.files(root));
    }

    @Test
    void modinfoJsonNamesTheModuleProvidingEachImport() throws IOException {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        JsonNode user = json(root, SampleTree.RELEASE, List.of(file(root, "stack_user"))).get(0);
        Map<String, String> providers = new HashMap<>();
        user.get("imports").forEach(i -> providers.put(i.get("name").asText(), i.get("provider").asText(null)));
        assertThat(providers).containsEntry("stack_exp_int", "stack_core").containsEntry("__fentry__", null);
        assertThat(user.get("fields").get("depends").asText()).isEqualTo("stack_core");
    }

    @Test
    void modinfoJsonListsExportsWithCrcGplOnlyAndNamespace() throws IOException {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        JsonNode core = json(root, SampleTree.RELEASE, List.of(file(root, "stack_core"))).get(0);
        List<String> exports = new ArrayList<>();
        core.get("exports").forEach(x -> exports.add(x.get("name").asText() + " gpl=" + x.get("gpl_only").asBoolean()
                + " ns=" + x.get("namespace").asText(null)));
        assertThat(exports).contains("stack_exp_int gpl=true ns=null", "stack_sysinfo gpl=false ns=null", "stack_get_skey gpl=false ns=STACK_NS");
    }

    /** Every module of Debian's amd64 tree in one in-process call, as issue 13's acceptance asks. */
    @Test
    @Tag("conformance")
    void modinfoJsonOfEveryDebianAmd64ModuleIsValidAndEqualsThePlainOutput() {
        Trees.Tree tree = Trees.require("amd64");
        checkAgainstPlain(tree.root(), tree.release(), tree.modules().stream().map(Path::toString).toList());
    }

    private static String file(Path root, String name) {
        return SampleTree.moduleDir(root).resolve("extra/" + name + ".ko").toString();
    }

    private static JsonNode json(Path root, String release, List<String> files) {
        List<String> args = new ArrayList<>(List.of("modinfo", "--json", "-b", root.toString(), "-k", release));
        args.addAll(files);
        SampleTree.Run run = SampleTree.run(args.toArray(String[]::new));
        assertThat(run.err()).isEmpty();
        return JsonSchemas.assertValid("modinfo", run.out());
    }

    private static void checkAgainstPlain(Path root, String release, List<String> files) {
        JsonNode doc = json(root, release, files);
        List<String> args = new ArrayList<>(List.of("modinfo", "-0"));
        args.addAll(files);
        List<List<String>> plain = byModule(SampleTree.run(args.toArray(String[]::new)).out());
        assertThat(doc.size()).isEqualTo(plain.size()).isEqualTo(files.size());
        for (int i = 0; i < doc.size(); i++) {
            assertThat(sorted(records(doc.get(i)))).as(files.get(i)).isEqualTo(sorted(plain.get(i)));
        }
    }

    /** modinfo's {@code -0} records, one list per module (each starts with its filename record). */
    private static List<List<String>> byModule(String out) {
        List<List<String>> modules = new ArrayList<>();
        for (String record : out.split("\0")) {
            if (record.startsWith("filename:")) {
                modules.add(new ArrayList<>());
            }
            // the JSON carries a signature's hex without modinfo's line breaks
            modules.get(modules.size() - 1).add(record.startsWith("sig") ? record.replace("\n\t\t", "") : record);
        }
        return modules;
    }

    /** The records modinfo -0 would print for one JSON object. */
    private static List<String> records(JsonNode m) {
        List<String> out = new ArrayList<>(List.of(pad("filename:") + m.get("filename").asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = m.get("fields").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isArray()) {
                f.getValue().forEach(v -> out.add(f.getKey() + "=" + v.asText()));
            } else {
                out.add(f.getKey() + "=" + f.getValue().asText());
            }
        }
        if (!m.get("signature").isNull()) {
            m.get("signature").fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        }
        for (JsonNode p : m.get("parameters")) {
            String line = pad("parm:") + p.get("name").asText() + ":";
            if (!p.get("description").isNull()) {
                line += p.get("description").asText() + (p.get("type").isNull() ? "" : " (" + p.get("type").asText() + ")");
            } else {
                line += p.get("type").asText("");
            }
            out.add(line);
        }
        return out;
    }

    private static String pad(String label) {
        return String.format("%-16s", label);
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
