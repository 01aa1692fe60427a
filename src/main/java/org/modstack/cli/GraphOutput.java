package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;
import org.modstack.modprobe.StackGraph;

/**
 * The two texts of a {@link StackGraph}: Graphviz's DOT (hard edges solid, soft ones dashed and
 * labelled pre/post, holders solid, built-ins filled grey, the modules asked about bold) and
 * JSON ({@code docs/schema/graph.schema.json}). Edges point from the module that needs (or
 * holds) to the one needed, so with dot's top-down ranks users sit above their dependencies.
 */
final class GraphOutput {
    private GraphOutput() {
    }

    static String dot(StackGraph graph) {
        StringBuilder sb = new StringBuilder("digraph modules {\n");
        sb.append("\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        sb.append("\tedge [fontname=\"Helvetica\", fontsize=10];\n");
        for (StackGraph.Node n : graph.nodes()) {
            if (n.builtin()) {
                sb.append('\t').append(id(n.name())).append(" [style=\"rounded,filled,dashed\", fillcolor=\"#dddddd\", label=")
                        .append(id(n.name() + "\n(built-in)")).append("];\n");
            } else if (n.root()) {
                sb.append('\t').append(id(n.name())).append(" [penwidth=2];\n");
            } else {
                sb.append('\t').append(id(n.name())).append(";\n");
            }
        }
        for (StackGraph.Edge e : graph.edges()) {
            sb.append('\t').append(id(e.from())).append(" -> ").append(id(e.to())).append(switch (e.kind()) {
                case HARD -> "";
                case SOFT_PRE -> " [style=dashed, label=\"pre\"]";
                case SOFT_POST -> " [style=dashed, label=\"post\"]";
                case HOLDER -> " [label=\"holds\"]";
            }).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    /** A DOT quoted string: a double quote and a backslash escaped, a newline as dot's \n. */
    private static String id(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    static void json(ToolOutput io, StackGraph graph) {
        JsonOutput.object(io, g -> fields(g, graph));
    }

    /** The graph's {@code "nodes"} and {@code "edges"}, into an object {@code g} has open. */
    static void fields(JsonGenerator g, StackGraph graph) throws IOException {
        g.writeArrayFieldStart("nodes");
        for (StackGraph.Node n : graph.nodes()) {
            g.writeStartObject();
            g.writeStringField("name", n.name());
            g.writeBooleanField("builtin", n.builtin());
            g.writeBooleanField("root", n.root());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("edges");
        for (StackGraph.Edge e : graph.edges()) {
            g.writeStartObject();
            g.writeStringField("from", e.from());
            g.writeStringField("to", e.to());
            g.writeStringField("kind", e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
