package org.modstack.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modstack.kernel.check.Finding;
import org.modstack.kernel.check.Verdict;

/**
 * {@code modstack check --sarif}: each refusal as a SARIF 2.1.0 result of level {@code error}
 * (rule: the refusal kind), each taint as a {@code note}, an input error as an
 * {@code toolExecutionNotification}; the module file is the result's location.
 */
final class CheckSarif {
    private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    private static final String TAINT_RULE = "taints-kernel";

    private CheckSarif() {
    }

    static String render(List<Verdict> verdicts, List<String> inputErrors) {
        ObjectNode root = CheckJson.MAPPER.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ArrayNode results = run.putArray("results");
        Map<String, String> rules = new LinkedHashMap<>();
        for (Verdict v : verdicts) {
            for (Finding f : v.findings()) {
                rules.put(f.kind().id(), f.kind().description());
                result(results, v, f.kind().id(), "error", v.module() + " is refused by " + v.kernel() + ": "
                        + f.explanation() + ". Fix: " + f.fix() + ".");
            }
            if (!v.taints().isEmpty()) {
                rules.put(TAINT_RULE, "the module loads and taints the kernel");
                result(results, v, TAINT_RULE, "note", v.module() + " loads on " + v.kernel() + " and taints it "
                        + v.taints() + " (" + String.join("; ", v.taintReasons()) + ").");
            }
        }
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "modstack check");
        ArrayNode ruleNodes = driver.putArray("rules");
        rules.forEach((id, text) -> ruleNodes.addObject().put("id", id).putObject("shortDescription").put("text", text));
        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", inputErrors.isEmpty());
        ArrayNode notes = invocation.putArray("toolExecutionNotifications");
        inputErrors.forEach(e -> notes.addObject().put("level", "error").putObject("message").put("text", e));
        return CheckJson.write(root);
    }

    private static void result(ArrayNode results, Verdict v, String rule, String level, String text) {
        ObjectNode r = results.addObject();
        r.put("ruleId", rule).put("level", level);
        r.putObject("message").put("text", text);
        r.putArray("locations").addObject().putObject("physicalLocation").putObject("artifactLocation")
                .put("uri", v.file().toString().replace('\\', '/'));
        ObjectNode props = r.putObject("properties");
        props.put("kernel", v.kernel()).put("module", v.module()).put("verdict", v.outcome().id());
        ArrayNode log = props.putArray("kernelLog");
        v.kernelLog().forEach(log::add);
    }
}
