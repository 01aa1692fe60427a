package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.modstack.conformance.Trees;
import org.modstack.module.ModuleName;

/**
 * The JSON of whole-tree commands on Debian's amd64 tree: valid under the schemas, and equal to
 * what the plain outputs and the tree's own indexes say.
 */
@Tag("conformance")
class TreeJsonConformanceTest {

    /** The direct edges are what depmod drew modules.dep from: their closure is modules.dep. */
    @Test
    void depsJsonOfTheAmd64TreeIsValidAndItsClosureIsModulesDep() throws IOException {
        Trees.Tree tree = Trees.require("amd64");
        JsonNode doc = JsonSchemas.assertValid("deps", SampleTree.run("deps", "-b", tree.root().toString(), "-k",
                tree.release(), "--json").out());
        Map<String, List<String>> direct = new HashMap<>();
        doc.get("modules").forEach(m -> {
            List<String> to = new ArrayList<>();
            m.get("depends").forEach(d -> to.add(d.get("name").asText()));
            direct.put(m.get("name").asText(), to);
        });
        Map<String, Set<String>> dep = new HashMap<>();
        for (String line : Files.readAllLines(tree.moduleDir().resolve("modules.dep"))) {
            String[] halves = line.split(":", 2);
            Set<String> names = new TreeSet<>();
            for (String p : halves[1].trim().split(" ")) {
                if (!p.isEmpty()) {
                    names.add(ModuleName.fromPath(p));
                }
            }
            dep.put(ModuleName.fromPath(halves[0]), names);
        }
        assertThat(direct.keySet()).isEqualTo(dep.keySet());
        for (String m : dep.keySet()) {
            assertThat(closure(m, direct)).as(m).isEqualTo(dep.get(m));
        }
    }

    private static Set<String> closure(String module, Map<String, List<String>> direct) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(direct.get(module));
        while (!todo.isEmpty()) {
            String m = todo.remove(todo.size() - 1);
            if (seen.add(m)) {
                todo.addAll(direct.getOrDefault(m, List.of()));
            }
        }
        return seen;
    }

    /** One {@code modprobe -a -D} over every module name, as lines and as JSON. */
    @Test
    void modprobeShowDependsJsonOfEveryAmd64ModuleIsThePlainPlan() {
        Trees.Tree tree = Trees.require("amd64");
        List<String> args = new ArrayList<>(List.of("modprobe", "-d", tree.root().toString(), "-S", tree.release(),
                "-a", "-D"));
        tree.modules().forEach(p -> args.add(ModuleName.fromPath(p.toString())));
        String plain = SampleTree.run(args.toArray(String[]::new)).out();
        args.add(1, "--json");
        JsonNode doc = JsonSchemas.assertValid("modprobe-plan", SampleTree.run(args.toArray(String[]::new)).out());
        StringBuilder rebuilt = new StringBuilder();
        Set<String> roles = new HashSet<>();
        for (JsonNode s : doc.get("plan")) {
            roles.add(s.get("role").asText());
            switch (s.get("action").asText()) {
                case "insmod" -> rebuilt.append("insmod ").append(s.get("file").asText()).append(' ')
                        .append(s.get("options").asText()).append('\n');
                case "install" -> rebuilt.append("install ").append(s.get("command").asText()).append(' ')
                        .append(s.get("options").asText()).append('\n');
                default -> rebuilt.append("builtin ").append(s.get("module").asText()).append('\n');
            }
        }
        assertThat(rebuilt.toString()).isEqualTo(plain);
        assertThat(roles).contains("target", "dependency", "softdep");
    }

    @Test
    void graphJsonOfTheAmd64TreeIsValid() {
        Trees.Tree tree = Trees.require("amd64");
        JsonNode doc = JsonSchemas.assertValid("graph", SampleTree.run("graph", "-b", tree.root().toString(), "-k",
                tree.release(), "--json").out());
        assertThat(doc.get("nodes").size()).isGreaterThanOrEqualTo(tree.modules().size());
    }
}
