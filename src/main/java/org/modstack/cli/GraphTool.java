package org.modstack.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.LoadedModule;
import org.modstack.modprobe.DirectDependencies;
import org.modstack.modprobe.KernelState;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.modprobe.StackGraph;

/**
 * {@code modstack graph}: a stack as a picture. Modules and their dependencies (with {@code -r}
 * their users too), or a whole tree, or ({@code -H}) a virtual kernel's holders; DOT by default,
 * SVG or PNG through Graphviz's {@code dot}, or JSON.
 */
final class GraphTool extends GetoptTool {
    private static final Getopt OPTIONS = TreeChoice.options(
            Getopt.Spec.flag('r', "users"), Getopt.Spec.flag('H', "holders"), KernelChoice.OPTION,
            Getopt.Spec.value('T', "format"), Getopt.Spec.flag('J', "json"), Getopt.Spec.value('o', "output"),
            Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"));

    private static final String HELP = "Usage:\n"
            + "\t%s [options] [modulename...]\n"
            + "Draws the named modules and their dependencies, or the whole tree; hard dependencies\n"
            + "solid, softdeps dashed, built-in modules grey.\n"
            + "Options:\n"
            + "\t-r, --users                 Also draw the modules that use them\n"
            + "\t-H, --holders               Draw the virtual kernel's modules and their holders\n"
            + "\t    --kernel=DIR            The virtual kernel to draw (with -H)\n"
            + "\t-T, --format=FORMAT         dot (default), svg, png (through Graphviz's dot) or json\n"
            + "\t-J, --json                  Same as --format=json\n"
            + "\t-o, --output=FILE           Write to FILE instead of standard output\n"
            + TreeChoice.HELP
            + "\t-V, --version               Show version\n"
            + "\t-h, --help                  Show this help\n";

    private final TreeChoice tree = new TreeChoice();
    private boolean users;
    private boolean holders;
    private final KernelChoice kernel = new KernelChoice();
    private String format = "dot";
    private String output;

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
            case "r" -> users = true;
            case "H" -> holders = true;
            case "kernel" -> kernel.set(o.value());
            case "T" -> format = o.value();
            case "J" -> format = "json";
            case "o" -> output = o.value();
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
        if (!List.of("dot", "svg", "png", "json").contains(format)) {
            io.error("unknown format '" + format + "': dot, svg, png or json\n");
            return 1;
        }
        StackGraph graph = holders ? holdersGraph(io) : treeGraph(io, names);
        if (graph == null) {
            return 1;
        }
        if (format.equals("json")) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            ToolOutput text = new ToolOutput(io.tool(), buf, buf);
            GraphOutput.json(text, graph);
            text.flush();
            return emit(io, buf.toByteArray());
        }
        byte[] dot = GraphOutput.dot(graph).getBytes(StandardCharsets.UTF_8);
        return emit(io, format.equals("dot") ? dot : render(dot));
    }

    private StackGraph holdersGraph(ToolOutput io) throws ErrnoException {
        try (KernelStore store = kernel.open()) {
            KernelState state = store.kernel().asKernelState(io::error);
            List<String> loaded = store.kernel().state().modules().stream().map(LoadedModule::name).toList();
            return StackGraph.ofHolders(loaded, state::holders);
        }
    }

    private StackGraph treeGraph(ToolOutput io, List<String> names) throws ErrnoException {
        ModuleDirectory dir = tree.directory();
        if (names.isEmpty()) {
            return StackGraph.ofTree(DirectDependencies.ofTree(dir));
        }
        if (DepsTool.nodes(io, dir, names) == null) {
            return null;
        }
        return StackGraph.around(names, name -> DirectDependencies.of(dir, name),
                users ? Optional.of(DirectDependencies.ofTree(dir)) : Optional.empty());
    }

    /** Graphviz's {@code dot -T<format>}; one line when it is not installed or fails. */
    private byte[] render(byte[] dot) throws ErrnoException {
        Process p;
        try {
            p = new ProcessBuilder("dot", "-T" + format).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new ToolFailure(new ErrnoException(Errno.ENOENT,
                    "cannot draw " + format + ": Graphviz's dot is not installed (Debian: apt-get install graphviz)"));
        }
        try (OutputStream in = p.getOutputStream(); InputStream out = p.getInputStream()) {
            in.write(dot);
            in.close();
            byte[] bytes = out.readAllBytes();
            if (p.waitFor() != 0) {
                throw new ToolFailure(new ErrnoException(Errno.EIO, "dot -T" + format + " failed"));
            }
            return bytes;
        } catch (IOException | InterruptedException e) {
            throw new ToolFailure(new ErrnoException(Errno.EIO, "dot -T" + format + ": " + e.getMessage()));
        }
    }

    private int emit(ToolOutput io, byte[] bytes) throws ErrnoException {
        if (output == null) {
            try {
                io.stream().write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return 0;
        }
        Path target = io.resolve(output);
        try {
            // beside the target (same file system, so the rename is atomic), made with the umask's mode
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ToolFailure(ErrnoException.of(e, output));
        }
        return 0;
    }
}
