package org.modstack.kernel.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFormatException;
import org.modstack.module.Compression;
import org.modstack.module.Import;
import org.modstack.module.KernelModule;
import org.modstack.module.ModuleFile;
import org.modstack.module.ModuleName;

/**
 * A module of the stack being checked: its file's image (decompressed) and, when the image is an
 * ELF file modstack can read, the module read from it. An image that is no module still goes to
 * the kernel, which says what is wrong with it.
 *
 * @param file the file
 * @param name the module's name (the file's, when the image names none)
 * @param image the uncompressed image
 * @param module the module, or null when the image cannot be read as one
 */
public record StackModule(Path file, String name, ByteBuffer image, KernelModule module) {

    /**
     * The modules of {@code inputs}: files, and directories searched recursively for module files
     * ({@code .ko}, compressed or not), sorted; an input that cannot be read goes to
     * {@code errors} with its reason, and the rest are still read.
     */
    public static List<StackModule> read(List<Path> inputs, BiConsumer<Path, String> errors) {
        List<StackModule> out = new ArrayList<>();
        for (Path input : inputs) {
            try {
                for (Path file : files(input)) {
                    out.add(of(file));
                }
            } catch (ErrnoException e) {
                errors.accept(input, e.describe());
            }
        }
        return List.copyOf(out);
    }

    private static List<Path> files(Path input) throws ErrnoException {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        try (Stream<Path> s = Files.walk(input)) {
            return s.filter(p -> Compression.isModuleFileName(p.getFileName().toString()) && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new ErrnoException(org.modstack.Errno.EIO, input + ": " + e.getMessage());
        }
    }

    private static StackModule of(Path file) throws ErrnoException {
        ModuleFile f = ModuleFile.read(file);
        try {
            KernelModule m = KernelModule.fromImage(file, f.image());
            return new StackModule(file, m.name(), f.image(), m);
        } catch (ElfFormatException | RuntimeException e) {
            if (!Compression.isModuleFileName(file.getFileName().toString())) {
                throw new ErrnoException(org.modstack.Errno.ENOEXEC, file + ": not a kernel module (no .ko name,"
                        + " no ELF module inside)");
            }
            // a damaged .ko is the kernel's to refuse: it says why
            return new StackModule(file, ModuleName.fromPath(file.toString()), f.image(), null);
        }
    }

    /** The symbols it imports (none when it cannot be read). */
    public List<Import> imports() {
        try {
            return module == null ? List.of() : module.imports();
        } catch (ElfFormatException e) {
            return List.of();
        }
    }

    /** The names of the symbols it exports (none when it cannot be read). */
    public List<String> exportNames() {
        try {
            return module == null ? List.of() : module.exports().stream().map(e -> e.name()).toList();
        } catch (ElfFormatException e) {
            return List.of();
        }
    }
}
