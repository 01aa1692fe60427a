package org.modstack.modprobe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.index.IndexFile;
import org.modstack.index.KmodVersion;
import org.modstack.module.Import;
import org.modstack.module.KernelModule;

/**
 * A tree's stack as its direct edges, which {@code modules.dep} does not hold: it lists each
 * module's whole closure. A hard edge is what depmod drew it from, a symbol the module needs
 * that another module provides ({@code modules.symbols}); a soft edge is the module's own
 * {@code softdep}, as depmod copies it to {@code modules.softdep} and modprobe acts on it.
 */
public final class DirectDependencies {
    /** A hard edge: the providing module and the symbols it is needed for, in the needing module's order. */
    public record Dependency(String module, List<String> symbols) {
        public Dependency {
            symbols = List.copyOf(symbols);
        }
    }

    /** A soft edge: a module modprobe loads before ({@code pre}) or after the one that names it. */
    public record Softdep(String module, boolean pre, boolean builtin) {
    }

    /** One module of the tree and its direct edges. */
    public record Node(String name, String path, List<Dependency> depends, List<Softdep> softdeps) {
        public Node {
            depends = List.copyOf(depends);
            softdeps = List.copyOf(softdeps);
        }
    }

    private DirectDependencies() {
    }

    /** Every module {@code modules.dep} lists, by name. */
    public static List<Node> ofTree(ModuleDirectory dir) throws ErrnoException {
        Optional<IndexFile> deps = dir.index(ModuleDirectory.Index.DEP);
        if (deps.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, dir.dirname() + "/modules.dep.bin: " + Errno.ENOENT.message());
        }
        List<String> names = new ArrayList<>();
        deps.get().forEach((name, line) -> names.add(name));
        List<Node> out = new ArrayList<>();
        for (String name : names.stream().sorted().toList()) {
            out.add(of(dir, name).orElseThrow());
        }
        return out;
    }

    /** The module {@code name} of the tree, if {@code modules.dep} lists it. */
    public static Optional<Node> of(ModuleDirectory dir, String name) throws ErrnoException {
        Optional<String> path = dir.modulePath(name);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        KernelModule m = KernelModule.open(Path.of(path.get()));
        Map<String, List<String>> byProvider = new LinkedHashMap<>();
        for (Import i : m.requiredSymbols()) {
            Optional<String> provider = dir.symbolProvider(i.name());
            if (provider.isPresent() && !provider.get().equals(name)) {
                byProvider.computeIfAbsent(provider.get(), p -> new ArrayList<>()).add(i.name());
            }
        }
        List<Dependency> depends = new ArrayList<>();
        byProvider.forEach((module, symbols) -> depends.add(new Dependency(module, symbols)));
        return Optional.of(new Node(name, path.get(), depends, softdeps(dir, name, m.softdeps())));
    }

    /** The first of the module's softdeps, the one modprobe acts on, read as modprobe reads the line. */
    private static List<Softdep> softdeps(ModuleDirectory dir, String name, List<String> values) throws ErrnoException {
        if (values.isEmpty()) {
            return List.of();
        }
        ModprobeConfigParser parser = new ModprobeConfigParser(KmodVersion.KMOD30, line -> { });
        parser.addSoftdep(name, values.get(0));
        ModprobeConfig.Softdep line = parser.softdeps.get(0);
        List<Softdep> out = new ArrayList<>();
        for (String pre : line.pre()) {
            out.add(new Softdep(pre, true, dir.isBuiltin(pre)));
        }
        for (String post : line.post()) {
            out.add(new Softdep(post, false, dir.isBuiltin(post)));
        }
        return out;
    }
}
