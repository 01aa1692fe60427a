package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modstack.ErrnoException;
import org.modstack.modprobe.DirectDependencies;
import org.modstack.modprobe.ModuleDirectory;

/**
 * {@code modstack deps}: a tree's direct dependency graph (what {@code modules.dep}'s closure
 * was drawn from), for the named modules or every module, as text or {@code --json}.
 */
final class DepsTool extends GetoptTool {
    private static final Getopt OPTIONS = TreeChoice.options(
            Getopt.Spec.flag('J', "json"), Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"));

    private static final String HELP = "Usage:\n"
            + "\t%s [options] [modulename...]\n"
            + "Prints each module's direct dependencies (the modules whose symbols it uses) and its\n"
            + "softdeps (pre:, post:), of the named modules or of every module of the tree.\n"
            + "Options:\n"
            + TreeChoice.HELP
            + "\t-J, --json                  Print JSON (docs/json.md)\n"
            + "\t-V, --version               Show version\n"
            + "\t-h, --help                  Show this help\n";

    private final TreeChoice tree = new TreeChoice();
    private boolean json;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return HELP;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        switch (o.key()) {
            case "J" -> json = true;
            default -> {
                if (!tree.apply(o)) {
                    throw new IllegalStateException(o.key());
                }
            }
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput io, List<String> names) throws ErrnoException {
        ModuleDirectory dir = tree.directory();
        List<DirectDependencies.Node> nodes;
        try {
            nodes = nodes(io, dir, names);
        } catch (ToolFailure e) {
            throw e;
        } catch (ErrnoException e) {  // modstack's own command: the failure names its file
            throw new ToolFailure(e);
        }
        if (nodes == null) {
            return 1;
        }
        if (json) {
            printJson(io, dir, nodes);
        } else {
            nodes.forEach(n -> io.print(line(n)));
        }
        return 0;
    }

    /** The named modules' nodes, or the whole tree's; null after reporting a name the tree lacks. */
    static List<DirectDependencies.Node> nodes(ToolOutput io, ModuleDirectory dir, List<String> names)
            throws ErrnoException {
        if (names.isEmpty()) {
            return DirectDependencies.ofTree(dir);
        }
        List<DirectDependencies.Node> out = new ArrayList<>();
        for (String name : names) {
            Optional<DirectDependencies.Node> n = DirectDependencies.of(dir, name);
            if (n.isEmpty()) {
                io.error("Module " + name + " not found in " + dir.dirname() + "/modules.dep.\n");
                return null;
            }
            out.add(n.get());
        }
        return out;
    }

    /** {@code name: dep dep [pre: a] [post: b]}: modules.dep's shape, with direct edges only. */
    private static String line(DirectDependencies.Node n) {
        StringBuilder sb = new StringBuilder(n.name()).append(':');
        n.depends().forEach(d -> sb.append(' ').append(d.module()));
        for (boolean pre : new boolean[] {true, false}) {
            List<String> soft = n.softdeps().stream().filter(s -> s.pre() == pre).map(DirectDependencies.Softdep::module)
                    .toList();
            if (!soft.isEmpty()) {
                sb.append(pre ? " pre: " : " post: ").append(String.join(" ", soft));
            }
        }
        return sb.append('\n').toString();
    }

    private static void printJson(ToolOutput io, ModuleDirectory dir, List<DirectDependencies.Node> nodes) {
        JsonOutput.object(io, g -> {
            g.writeStringField("directory", JsonOutput.text(dir.dirname()));
            g.writeArrayFieldStart("modules");
            for (DirectDependencies.Node n : nodes) {
                node(g, n);
            }
            g.writeEndArray();
        });
    }

    private static void node(JsonGenerator g, DirectDependencies.Node n) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", n.name());
        g.writeStringField("path", JsonOutput.text(n.path()));
        g.writeArrayFieldStart("depends");
        for (DirectDependencies.Dependency d : n.depends()) {
            g.writeStartObject();
            g.writeStringField("name", d.module());
            g.writeArrayFieldStart("symbols");
            for (String s : d.symbols()) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("softdeps");
        for (DirectDependencies.Softdep s : n.softdeps()) {
            g.writeStartObject();
            g.writeStringField("name", s.module());
            g.writeStringField("when", s.pre() ? "pre" : "post");
            g.writeBooleanField("builtin", s.builtin());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
