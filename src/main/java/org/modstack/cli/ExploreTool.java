package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
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
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.LoadedModule;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.DirectDependencies;
import org.modstack.modprobe.KernelState;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.modprobe.StackGraph;
import org.modstack.module.KernelModule;

/**
 * {@code modstack explore}: one self-contained HTML file to browse a tree or a virtual kernel:
 * search by name or alias, a module's modinfo, symbols and stack as an interactive graph. The
 * page is a template resource with Cytoscape.js (bundled from npm by
 * {@code scripts/bundle-explorer.sh}) and the data, as {@code modinfo --json}, {@code graph
 * --json} and {@code kernel status --json} write it, embedded.
 */
final class ExploreTool extends GetoptTool {
    private static final Getopt OPTIONS = TreeChoice.options(
            Getopt.Spec.flag('H', "holders"), KernelChoice.OPTION, Getopt.Spec.value('o', "output"),
            Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"));

    private static final String HELP = "Usage:\n"
            + "\t%s [options]\n"
            + "Writes one HTML file (no network needed to view it) to browse a module tree, or a virtual kernel.\n"
            + "Options:\n"
            + "\t-o, --output=FILE           Write to FILE instead of standard output\n"
            + "\t-H, --holders               Explore the virtual kernel: its loaded modules, holders and taint\n"
            + "\t    --kernel=DIR            The virtual kernel to explore (with -H)\n"
            + TreeChoice.HELP
            + "\t-V, --version               Show version\n"
            + "\t-h, --help                  Show this help\n";

    private final TreeChoice tree = new TreeChoice();
    private boolean holders;
    private final KernelChoice kernel = new KernelChoice();
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
            case "H" -> holders = true;
            case "kernel" -> kernel.set(o.value());
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
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (!operands.isEmpty()) {
            io.printErr(HELP.replace("%s", io.tool()));
            return 1;
        }
        if (output == null) {
            page(io, io.stream());
            return 0;
        }
        Path target = io.resolve(output);
        // beside the target, so the rename is atomic; a failed run leaves no half-written page
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                page(io, out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ToolFailure(ErrnoException.of(e, output));
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // nothing more to undo: the failure being reported is the one that matters
            }
        }
        return 0;
    }

    /** The template with the bundled library and the data put in its two places. */
    private void page(ToolOutput io, OutputStream out) throws ErrnoException {
        String html = resource("explore/explore.html");
        int lib = html.indexOf("/*CYTOSCAPE*/");
        int data = html.indexOf("/*DATA*/");
        try {
            out.write(html.substring(0, lib).getBytes(StandardCharsets.UTF_8));
            out.write(resource("explore/cytoscape.min.js").getBytes(StandardCharsets.UTF_8));
            out.write(html.substring(lib + "/*CYTOSCAPE*/".length(), data).getBytes(StandardCharsets.UTF_8));
            JsonGenerator g = JsonOutput.openInHtml(out);
            g.writeStartObject();
            if (holders) {
                kernelData(io, g);
            } else {
                treeData(io, g);
            }
            g.writeEndObject();
            g.flush();
            out.write(html.substring(data + "/*DATA*/".length()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void treeData(ToolOutput io, JsonGenerator g) throws IOException, ErrnoException {
        ModuleDirectory dir = tree.directory();
        List<DirectDependencies.Node> tree = DirectDependencies.ofTree(dir);
        g.writeStringField("title", "Modules of " + JsonOutput.text(dir.dirname()));
        g.writeStringField("directory", JsonOutput.text(dir.dirname()));
        g.writeArrayFieldStart("modules");
        ModinfoJson modinfo = new ModinfoJson(io, dir, g);
        for (DirectDependencies.Node n : tree) {
            KernelModule m = KernelModule.open(Path.of(n.path()));
            modinfo.module(n.name(), n.path(), m.modinfo(), Optional.of(m));
        }
        g.writeEndArray();
        GraphOutput.fields(g, StackGraph.ofTree(tree));
        g.writeNullField("kernel");
    }

    private void kernelData(ToolOutput io, JsonGenerator g) throws IOException, ErrnoException {
        try (KernelStore store = kernel.open()) {
            VirtualKernel k = store.kernel();
            ModuleDirectory dir = k.description().moduleDirectory();
            KernelState state = k.asKernelState(io::error);
            g.writeStringField("title", "Virtual kernel " + k.description().release());
            g.writeStringField("directory", JsonOutput.text(dir.dirname()));
            g.writeArrayFieldStart("modules");
            ModinfoJson modinfo = new ModinfoJson(io, dir, g);
            List<String> loaded = k.state().modules().stream().map(LoadedModule::name).toList();
            for (String name : loaded) {
                Optional<String> path = dir.modulePath(name);
                if (path.isPresent()) {
                    KernelModule m = KernelModule.open(Path.of(path.get()));
                    modinfo.module(name, path.get(), m.modinfo(), Optional.of(m));
                }
            }
            g.writeEndArray();
            GraphOutput.fields(g, StackGraph.ofHolders(loaded, state::holders));
            g.writeObjectFieldStart("kernel");
            KernelJson.status(g, k, state);
            g.writeEndObject();
        }
    }

    private static String resource(String name) {
        try (InputStream in = ExploreTool.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
