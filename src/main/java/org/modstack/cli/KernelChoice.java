package org.modstack.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;
import org.modstack.modprobe.KernelState;

/**
 * Which kernel a tool acts on, one rule for every tool: a virtual kernel only when one is named,
 * by {@code --kernel DIR} (or {@code --kernel=DIR}) or else {@code $MODSTACK_KERNEL}. kmod's tools
 * act on the running system otherwise, exactly as kmod's do; the {@code kernel} subcommands,
 * which only know virtual kernels, fall back to the default directory
 * ({@link KernelStore#defaultDirectory}).
 */
final class KernelChoice {
    /** The option every kernel-facing tool accepts. */
    static final Getopt.Spec OPTION = Getopt.Spec.longOnly("kernel", Getopt.Arg.REQUIRED, "kernel");

    /** The line every such tool's help carries for {@link #OPTION}. */
    static final String HELP = "\t--kernel=DIR      act on the virtual kernel in DIR (default: $MODSTACK_KERNEL;\n"
            + "\t                  neither: the running system, as kmod)\n";

    private String directory;

    /** Records {@code --kernel=DIR}. */
    void set(String dir) {
        directory = dir;
    }

    /** The named virtual kernel's directory: {@code --kernel}, else {@code $MODSTACK_KERNEL}. */
    Optional<Path> named() {
        if (directory != null) {
            return Optional.of(Path.of(directory));
        }
        String env = System.getenv("MODSTACK_KERNEL");
        return env == null || env.isEmpty() ? Optional.empty() : Optional.of(Path.of(env));
    }

    /** The virtual kernel's directory for a {@code kernel} subcommand: the named one, else the default. */
    Path directory() {
        return named().orElseGet(KernelStore::defaultDirectory);
    }

    /** Work on a kernel's state. */
    interface Work {
        int on(KernelState state) throws ErrnoException;
    }

    /**
     * Does {@code work} on the chosen kernel: the named virtual kernel (kept afterwards when the
     * work {@code changes} it, even after a failure: a refused load still logs and taints), or
     * the running one.
     */
    int act(ToolOutput io, boolean changes, Work work) throws ErrnoException {
        if (named().isEmpty()) {
            return work.on(KernelState.live());
        }
        try (KernelStore store = changes ? open() : read()) {
            try {
                return work.on(store.kernel().asKernelState(notice -> io.error(notice + "\n")));
            } finally {
                if (changes) {
                    store.save();
                }
            }
        }
    }

    /** Opens (and locks) the kernel for a change; a missing or damaged one is reported in its own words. */
    KernelStore open() throws ErrnoException {
        return open(KernelStore.Access.WRITE);
    }

    /** Opens the kernel to read it only: a shared lock, and a read-only directory will do. */
    KernelStore read() throws ErrnoException {
        return open(KernelStore.Access.READ);
    }

    private KernelStore open(KernelStore.Access access) throws ErrnoException {
        try {
            return KernelStore.open(directory(), access);
        } catch (ErrnoException e) {
            throw new ToolFailure(e);
        }
    }

    /** Boots the kernel installed under {@code root} into the chosen directory. */
    KernelStore boot(Path root, String release, String cmdline, boolean replace) throws ErrnoException {
        try {
            return KernelStore.boot(directory(), root, release, cmdline, replace);
        } catch (ErrnoException e) {
            throw new ToolFailure(e);
        }
    }
}
