package org.modstack.kernel.check;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.BootState;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.InTreeModules;
import org.modstack.kernel.KernelDescription;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.util.FileTrees;

/**
 * A kernel to check against: its description and what is known of its in-tree modules. A carried
 * kernel is written to a temporary root that {@link #close} removes.
 *
 * @param name how the kernel is named in reports (its release)
 * @param description the kernel
 * @param inTree its in-tree modules, loaded from their summary when a module needs them
 * @param temporary the root to remove on close, or null
 * @param start the state checks start from (a virtual kernel's, modules loaded), or null for a fresh boot
 */
public record CheckKernel(String name, KernelDescription description, InTreeModules inTree, Path temporary,
                          BootState.Snapshot start) implements AutoCloseable {

    /** The releases of the kernels modstack carries. */
    public static List<String> carried() {
        return EmbeddedKernel.ALL.stream().map(EmbeddedKernel::release).toList();
    }

    /**
     * The kernels {@code spec} names: {@code all}, a carried kernel's release or name,
     * {@code running} (the machine's own files: {@code /}, {@code uname -r}), or a directory
     * holding an installed kernel ({@code lib/modules/<release>}).
     *
     * @throws ErrnoException naming the kernel that is unknown or cannot be read
     */
    public static List<CheckKernel> open(String spec, Path directory, String cmdline) throws ErrnoException {
        List<CheckKernel> out = new java.util.ArrayList<>();
        for (EmbeddedKernel c : EmbeddedKernel.ALL) {
            if (spec.equals("all") || c.answersTo(spec)) {
                out.add(carriedKernel(c, cmdline));
            }
        }
        if (!out.isEmpty()) {
            return List.copyOf(out);
        }
        if (spec.equals("running")) {
            return List.of(root(Path.of("/"), ModuleDirectory.runningRelease(), cmdline, null));
        }
        if (directory != null && Files.isDirectory(directory)) {
            return List.of(root(directory, null, cmdline, null));
        }
        throw new ErrnoException(Errno.ENOENT, "unknown kernel '" + spec + "' (carried: "
                + String.join(", ", carried()) + ", all, running, or a root directory with lib/modules/<release>)");
    }

    /** The carried kernel; its in-tree summary is decoded on a second core while the tree is written. */
    private static CheckKernel carriedKernel(EmbeddedKernel carried, String cmdline) throws ErrnoException {
        CompletableFuture<InTreeModules> inTree = CompletableFuture.supplyAsync(() -> {
            try {
                return carried.inTree();
            } catch (ErrnoException e) {
                throw new CompletionException(e);
            }
        });
        Path tmp;
        try {
            tmp = Files.createTempDirectory("modstack-check");
        } catch (IOException e) {
            throw ErrnoException.of(e, "temporary directory");
        }
        carried.write(tmp);
        KernelDescription d = KernelDescription.fromTree(tmp, carried.release(), cmdline);
        d.exports();  // read while the summary decodes
        try {
            return new CheckKernel(carried.release(), d, inTree.join(), tmp, null);
        } catch (CompletionException e) {
            throw (ErrnoException) e.getCause();
        }
    }

    /**
     * The kernel installed under {@code root} (release null: its only one), its in-tree modules
     * summarised as the carried ones are; {@code temporary}, when not null, is removed on close.
     */
    public static CheckKernel root(Path root, String release, String cmdline, Path temporary) throws ErrnoException {
        KernelDescription d = KernelDescription.fromTree(root, release, cmdline);
        return new CheckKernel(d.release(), d, inTreeOf(d), temporary, null);
    }

    /**
     * A virtual kernel as it is now ({@code kernel boot}, then insmod or modprobe): checks start
     * from a copy of its state, which stays as it was.
     */
    public static CheckKernel virtual(VirtualKernel kernel) throws ErrnoException {
        KernelDescription d = kernel.description();
        return new CheckKernel(d.release() + " (virtual)", d, inTreeOf(d), null, kernel.state().snapshot());
    }

    /** The tree's own modules summarised; without any, the carried summary of its release, else none. */
    private static InTreeModules inTreeOf(KernelDescription d) throws ErrnoException {
        if (!Files.isDirectory(d.root().resolve("lib/modules").resolve(d.release()).resolve("kernel"))) {
            Optional<EmbeddedKernel> carried = EmbeddedKernel.named(d.release());
            return carried.isPresent() ? carried.get().inTree() : InTreeModules.none();
        }
        StringWriter summary = new StringWriter();
        InTreeModules.write(d, summary);
        return InTreeModules.read(new java.io.ByteArrayInputStream(
                summary.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    /**
     * The same kernel booted with another command line (parameters, {@code module_blacklist=});
     * it does not own the kernel's files.
     */
    public CheckKernel withCmdline(String cmdline) throws ErrnoException {
        return new CheckKernel(name, KernelDescription.fromTree(description.root(), description.release(), cmdline),
                inTree, null, start);
    }

    /** The same kernel under another name (two targets of one release need two columns). */
    public CheckKernel named(String newName) {
        return new CheckKernel(newName, description, inTree, temporary, start);
    }

    @Override
    public void close() {
        if (temporary == null) {
            return;
        }
        try {
            FileTrees.delete(temporary);
        } catch (ErrnoException e) {
            // a temporary file left behind is harmless; the check's result stands
        }
    }
}
