package org.modstack.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFormatException;
import org.modstack.module.Compression;
import org.modstack.module.Export;
import org.modstack.module.KernelModule;
import org.modstack.module.ModuleName;

/**
 * What a check needs of every in-tree module of a kernel, so that a module importing from one
 * ({@code usbcore}'s {@code usb_register_device_driver}) resolves without the kernel's package:
 * each module's name, core size, licence, staging flag, {@code depends} and exports (with CRC,
 * GPL-only flag and namespace). The one place that knows the summary's format: {@link #write}
 * makes it from a tree, {@link #read} reads it back.
 *
 * <p>Format (text, ISO-8859-1, tab-separated; compressed with xz when carried): a header line
 * {@value #HEADER}, then per module {@code m NAME SIZE LICENCE STAGING(s|-) DEPENDS(a,b|-)},
 * followed by its exports, {@code e SYMBOL CRC(hex|-) GPL(g|-) NAMESPACE}.
 */
public final class InTreeModules {
    static final String HEADER = "modstack-in-tree-modules 1";

    /**
     * One in-tree module as the summary has it.
     *
     * @param name its name
     * @param size its core size as /proc/modules shows it on this kernel
     * @param license its MODULE_LICENSE ("" for none)
     * @param staging built from drivers/staging (taints C)
     * @param depends the modules it needs loaded first (modinfo {@code depends})
     * @param exports what it exports
     */
    public record InTreeModule(String name, long size, String license, boolean staging, List<String> depends,
                               List<KernelSymbol> exports) {
    }

    private final Map<String, InTreeModule> modules;
    private final Map<String, InTreeModule> exporters = new HashMap<>();

    private InTreeModules(Map<String, InTreeModule> modules) {
        this.modules = modules;
        for (InTreeModule m : modules.values()) {
            m.exports().forEach(e -> exporters.putIfAbsent(e.name(), m));
        }
    }

    /** An empty summary: a kernel whose in-tree modules are not known. */
    public static InTreeModules none() {
        return new InTreeModules(Map.of());
    }

    /** The module named {@code name}. */
    public Optional<InTreeModule> module(String name) {
        return Optional.ofNullable(modules.get(name));
    }

    /** The in-tree module exporting {@code symbol}. */
    public Optional<InTreeModule> exporter(String symbol) {
        return Optional.ofNullable(exporters.get(symbol));
    }

    /** How many modules the summary describes. */
    public int size() {
        return modules.size();
    }

    /**
     * {@code name} and every module it depends on, each after its own dependencies (the order
     * modprobe loads them in); unknown names are left out.
     */
    public List<InTreeModule> withDependencies(String name) {
        Map<String, InTreeModule> out = new LinkedHashMap<>();
        addWithDependencies(name, out);
        return List.copyOf(out.values());
    }

    private void addWithDependencies(String name, Map<String, InTreeModule> out) {
        InTreeModule m = modules.get(name);
        if (m == null || out.containsKey(name)) {
            return;
        }
        out.put(name, null);  // a cycle stops here
        m.depends().forEach(d -> addWithDependencies(d, out));
        out.remove(name);
        out.put(name, m);
    }

    /** Reads a summary (plain text) as {@link #write} made it. */
    public static InTreeModules read(InputStream in) throws ErrnoException {
        Map<String, InTreeModule> out = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        try {
            if (!HEADER.equals(r.readLine())) {
                throw new ErrnoException(Errno.EINVAL, "in-tree module summary: not a " + HEADER + " file");
            }
            String[] module = null;
            List<KernelSymbol> exports = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("m")) {
                    addModule(out, module, exports);
                    module = f;
                    exports = new ArrayList<>();
                } else {
                    exports.add(new KernelSymbol(f[1], f[3].equals("g"), f[4],
                            f[2].equals("-") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(f[2], 16))));
                }
            }
            addModule(out, module, exports);
        } catch (IOException | RuntimeException e) {
            throw new ErrnoException(Errno.EINVAL, "in-tree module summary: damaged (" + e.getMessage() + ")");
        }
        return new InTreeModules(out);
    }

    private static void addModule(Map<String, InTreeModule> out, String[] f, List<KernelSymbol> exports) {
        if (f != null) {
            List<String> depends = f[5].equals("-") ? List.of() : List.of(f[5].split(","));
            out.put(f[1], new InTreeModule(f[1], Long.parseLong(f[2]), f[3], f[4].equals("s"), depends,
                    List.copyOf(exports)));
        }
    }

    /** Writes the summary of every module under {@code kernel}'s {@code lib/modules/<release>/kernel}. */
    public static void write(KernelDescription kernel, Writer out) throws ErrnoException {
        Path dir = kernel.root().resolve("lib/modules").resolve(kernel.release()).resolve("kernel");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> Compression.isModuleFileName(p.getFileName().toString())).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new ErrnoException(Errno.EIO, dir + ": " + e.getMessage());
        }
        try {
            out.write(HEADER + "\n");
            for (Path p : files) {
                writeModule(KernelModule.open(p), kernel, out);
            }
        } catch (IOException e) {
            throw ErrnoException.of(e, "in-tree module summary");
        }
    }

    private static void writeModule(KernelModule m, KernelDescription kernel, Writer out) throws IOException {
        try {
            long size = ModuleLayout.coreSize(m.elf(), kernel.config(), kernel.rules(), false);
            String depends = String.join(",", m.depends().stream().map(ModuleName::normalize).toList());
            out.write(String.join("\t", "m", m.name(), Long.toString(size), m.license().orElse(""),
                    m.modinfoValue("staging").isPresent() ? "s" : "-", depends.isEmpty() ? "-" : depends) + "\n");
            for (Export e : m.exports()) {
                out.write(String.join("\t", "e", e.name(), e.crc().isPresent() ? Long.toHexString(e.crc().getAsLong())
                        : "-", e.gplOnly() ? "g" : "-", e.namespace().orElse("")) + "\n");
            }
        } catch (ElfFormatException e) {
            throw new ErrnoException(Errno.ENOEXEC, m.path() + ": " + e.getMessage());
        }
    }
}
