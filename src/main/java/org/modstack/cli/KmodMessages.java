package org.modstack.cli;

import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.modprobe.ModuleDirectory;

/**
 * kmod's own words where they differ from {@code strerror}, and libkmod's log lines with the
 * source positions Debian's debug build of kmod 30 prints: one place for what the tools say.
 */
final class KmodMessages {
    private KmodMessages() {
    }

    /** insmod's mod_strerror: how it words an init_module error. */
    static String insmodStrerror(Errno e) {
        return switch (e) {
            case ENOEXEC -> "Invalid module format";
            case ENOENT -> "Unknown symbol in module";
            case ESRCH -> "Module has wrong symbol version";
            case EINVAL -> "Invalid parameters";
            default -> e.message();
        };
    }

    /** libkmod's log line when delete_module fails (kmod_module_remove_module). */
    static String removeFailed(String name, Errno e) {
        return "../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove '" + name + "': "
                + e.message() + "\n";
    }

    /** modprobe's words for a module that failed to insert. */
    static String modprobeInsertFailed(String name, Errno e) {
        return "could not insert '" + name + "': " + switch (e) {
            case EEXIST -> "Module already in kernel";
            case ENOENT -> "Unknown symbol in module, or unknown parameter (see dmesg)";
            default -> e.message();
        } + "\n";
    }

    /**
     * kmod 34's modprobe and modinfo refusing a module directory too long for their buffer
     * ({@link ModuleDirectory#given}), the exit status to end with; any other failure thrown on.
     */
    static int badDirectory(ToolOutput io, ErrnoException e) throws ErrnoException {
        if (e.errno() != Errno.ENAMETOOLONG) {
            throw e;
        }
        io.error("bad directory " + e.getMessage() + ": path too long\n");
        return 1;
    }
}
