package org.modstack.cli;

import java.nio.file.Path;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;

/**
 * Which virtual kernel a tool acts on: the directory {@code --kernel=DIR} names, else the default
 * one ({@link KernelStore#defaultDirectory}).
 */
final class KernelChoice {
    /** The option every kernel-facing tool accepts. */
    static final Getopt.Spec OPTION = Getopt.Spec.longOnly("kernel", Getopt.Arg.REQUIRED, "kernel");

    private String directory;

    /** Records {@code --kernel=DIR}. */
    void set(String dir) {
        directory = dir;
    }

    Path directory() {
        return directory != null ? Path.of(directory) : KernelStore.defaultDirectory();
    }

    /** Whether a virtual kernel was named or exists at the default place. */
    boolean present() {
        return directory != null || KernelStore.exists(directory());
    }

    /** Opens (and locks) the kernel; a missing or damaged one is reported in its own words. */
    KernelStore open() throws ErrnoException {
        try {
            return KernelStore.open(directory());
        } catch (ErrnoException e) {
            throw new ToolFailure(e);
        }
    }

    /** Boots the kernel installed under {@code root} into the chosen directory. */
    KernelStore boot(Path root, String release, String cmdline) throws ErrnoException {
        try {
            return KernelStore.boot(directory(), root, release, cmdline);
        } catch (ErrnoException e) {
            throw new ToolFailure(e);
        }
    }
}
