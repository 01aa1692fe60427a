package org.modstack.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A virtual kernel seeded from a running system, so that "what happens if I load X here" is
 * answered without touching it: the kernel installed under {@code root} (its release from
 * {@code proc/sys/kernel/osrelease}, its command line from {@code proc/cmdline}), then the
 * modules {@code proc/modules} lists, loaded oldest first from its module directory, and the
 * running kernel's taint. Module parameters and references taken by other means (devices,
 * open files) are not carried over.
 */
public final class RunningSnapshot {
    private RunningSnapshot() {
    }

    /**
     * Boots the snapshot into {@code dir}.
     *
     * @throws ErrnoException naming the file that is missing, or a loaded module the model refuses
     */
    public static KernelStore boot(Path dir, Path root, boolean replace) throws ErrnoException {
        String release = read(root.resolve("proc/sys/kernel/osrelease")).strip();
        String cmdline = read(root.resolve("proc/cmdline")).strip();
        KernelStore store = KernelStore.boot(dir, root, release, cmdline, replace);
        try {
            VirtualKernel k = store.kernel();
            for (String name : loadedOldestFirst(root)) {
                load(k, name);
            }
            k.state().taint |= Long.parseUnsignedLong(read(root.resolve("proc/sys/kernel/tainted")).strip());
            store.save();
            return store;
        } catch (ErrnoException | NumberFormatException e) {
            store.close();
            KernelStore.discard(dir);  // no half-seeded kernel is left to be mistaken for the snapshot
            throw e instanceof ErrnoException ee ? ee
                    : new ErrnoException(Errno.EINVAL, root.resolve("proc/sys/kernel/tainted") + ": not a number");
        }
    }

    private static void load(VirtualKernel k, String name) throws ErrnoException {
        Optional<String> path = k.description().moduleDirectory().modulePath(name);
        if (path.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, name + ": loaded, but not in " + k.description().moduleDirectory().dirname());
        }
        try {
            k.finitModule(Path.of(path.get()), "", 0);
        } catch (ErrnoException e) {
            throw new ErrnoException(e.errno(), name + ": loaded on the running kernel, refused by the model: "
                    + e.errno().message(), e);
        }
    }

    private static List<String> loadedOldestFirst(Path root) throws ErrnoException {
        List<String> names = new ArrayList<>();
        for (String line : read(root.resolve("proc/modules")).split("\n")) {
            if (!line.isBlank()) {
                names.add(line.substring(0, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' ')));
            }
        }
        Collections.reverse(names);  // /proc/modules lists the newest first
        return names;
    }

    /**
     * A file read from its start in large reads, as cat reads it. Not {@code Files.readString}:
     * for a file whose size is 0, as /proc's are, that reads one byte first, and a numeric
     * sysctl ({@code /proc/sys/kernel/tainted}) answers a read past offset 0 with end of file:
     * a taint of 12288 came back as "1" (seen in the qemu guest).
     */
    private static String read(Path file) throws ErrnoException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw ErrnoException.of(e, file.toString());
        }
    }
}
