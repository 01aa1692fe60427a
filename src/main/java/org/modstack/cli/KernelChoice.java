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
        Optional<Path> named = named();
        return named.isPresent() ? named.get() : KernelStore.defaultDirectory();
    }

    /**
     * The chosen kernel, opened for a tool's work: the named virtual kernel, or the running one.
     * Closing it keeps what the work changed (even after a failure: a refused load still logs
     * and taints) and unlocks the kernel.
     */
    static final class Session implements AutoCloseable {
        private final KernelStore store;  // null: the running kernel
        private final boolean changes;
        private final KernelState state;

        private Session(KernelStore store, boolean changes, KernelState state) {
            this.store = store;
            this.changes = changes;
            this.state = state;
        }

        /** The kernel's state, to work on. */
        KernelState state() {
            return state;
        }

        @Override
        public void close() throws ErrnoException {
            if (store == null) {
                return;
            }
            try (store) {
                if (changes) {
                    store.save();
                }
            }
        }
    }

    /**
     * Opens the chosen kernel for a tool's work, which {@code changes} it or only reads it. A
     * session, not a callback: the tools that use it run no lambda, whose first link costs a
     * one-module command 8 ms (see {@code SmallCommandsTest}).
     */
    Session session(ToolOutput io, boolean changes) throws ErrnoException {
        if (named().isEmpty()) {
            return new Session(null, false, KernelState.live());
        }
        KernelStore store = changes ? open() : read();
        return new Session(store, changes, store.kernel().asKernelState(io.reporter(ToolOutput.Report.ERROR_LINE)));
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
