package org.modstack.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import org.modstack.Errno;
import org.modstack.kernel.check.Finding;
import org.modstack.kernel.check.Verdict;

/** {@code modstack check --json}: the verdicts in the schema of docs/check.md (docs/schema/check.schema.json). */
final class CheckJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The schema's version; it changes when a field changes meaning or goes. */
    static final int SCHEMA_VERSION = 1;

    private CheckJson() {
    }

    static String render(List<String> kernels, List<Verdict> verdicts, List<String> inputErrors) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        ArrayNode ks = root.putArray("kernels");
        kernels.forEach(ks::add);
        ArrayNode results = root.putArray("results");
        verdicts.forEach(v -> results.add(verdict(v)));
        ArrayNode errors = root.putArray("inputErrors");
        inputErrors.forEach(errors::add);
        root.put("allLoad", inputErrors.isEmpty() && verdicts.stream().allMatch(v -> v.outcome().loaded()));
        return write(root);
    }

    static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode verdict(Verdict v) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("module", v.module());
        n.put("file", v.file().toString());
        n.put("kernel", v.kernel());
        if (v.loadOrder() == 0) {
            n.putNull("loadOrder");
        } else {
            n.put("loadOrder", v.loadOrder());
        }
        n.put("verdict", v.outcome().id());
        n.put("taints", v.taints());
        ArrayNode reasons = n.putArray("taintReasons");
        v.taintReasons().forEach(reasons::add);
        if (v.errno().isEmpty()) {
            n.putNull("errno");
        } else {
            Errno e = Errno.valueOf(v.errno());
            n.putObject("errno").put("name", e.name()).put("number", e.number()).put("message", e.message());
        }
        ArrayNode log = n.putArray("kernelLog");
        v.kernelLog().forEach(log::add);
        ArrayNode inTree = n.putArray("inTreeLoadedFirst");
        v.inTreeLoaded().forEach(inTree::add);
        ArrayNode findings = n.putArray("findings");
        for (Finding f : v.findings()) {
            findings.addObject().put("kind", f.kind().id()).put("symbol", f.symbol())
                    .put("explanation", f.explanation()).put("fix", f.fix());
        }
        return n;
    }
}
