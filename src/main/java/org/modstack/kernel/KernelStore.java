package org.modstack.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Supplier;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A virtual kernel kept in a directory, so that separate commands act on one kernel:
 * {@code kernel.state} ({@link StateFile}) says which kernel it is (the tree it was booted from
 * and its command line) and what it has done since boot. Opening takes a lock on {@code lock}
 * until {@link #close} (shared to read, exclusive to change), so a change waits for readers and
 * readers for a change; state is
 * written to a temporary file and renamed over the old one, so a reader never sees half a write.
 */
public final class KernelStore implements AutoCloseable {
    private static final String STATE = "kernel.state";
    private static final String LINKAGE = "linkage";
    /** What modstack kept before format 2 (JSON): named in the error, never read, removed by a new boot. */
    private static final String OLD_KERNEL_JSON = "kernel.json";
    private static final String OLD_STATE_JSON = "state.json";

    /** Whether a command changes the kernel or only reads it. */
    public enum Access { READ, WRITE }

    private final Path dir;
    private final Access access;
    private final StoreLock lock;
    private final VirtualKernel kernel;
    private final StateFile.Boot boot;

    private KernelStore(Path dir, Access access, StoreLock lock, VirtualKernel kernel, StateFile.Boot boot) {
        this.dir = dir;
        this.access = access;
        this.lock = lock;
        this.kernel = kernel;
        this.boot = boot;
    }

    /** Where commands keep their kernel unless told otherwise: $MODSTACK_KERNEL, else under $XDG_STATE_HOME. */
    public static Path defaultDirectory() {
        String env = System.getenv("MODSTACK_KERNEL");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isEmpty() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("modstack").resolve("kernel");
    }

    /** Whether {@code dir} holds a kernel. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE)) || Files.isRegularFile(dir.resolve(OLD_KERNEL_JSON));
    }

    /**
     * Boots a kernel into {@code dir}: the one installed under {@code root} (release may be null),
     * with {@code cmdline}. A kernel the directory already holds is replaced only when
     * {@code replace} says so: its state would be lost.
     */
    public static KernelStore boot(Path dir, Path root, String release, String cmdline, boolean replace)
            throws ErrnoException {
        requireVacant(dir, replace);
        KernelDescription d = KernelDescription.fromTree(root.toAbsolutePath(), release, cmdline);
        try {
            d.config();  // read now: a kernel whose configuration cannot be read does not boot
        } catch (UncheckedIOException e) {
            throw (ErrnoException) e.getCause();
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ErrnoException.of(e, dir.toString());
        }
        KernelStore store = new KernelStore(dir, Access.WRITE, StoreLock.take(dir, false),
                new VirtualKernel(d, BootState.boot()), new StateFile.Boot(d.root().toString(), d.release(), d.cmdline()));
        try {
            store.save();
            store.keepLinkage();
            forgetOldFormat(dir);
        } catch (ErrnoException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Removes what an older modstack kept here, once the new state is written: it describes another kernel. */
    private static void forgetOldFormat(Path dir) throws ErrnoException {
        for (String name : new String[] {OLD_KERNEL_JSON, OLD_STATE_JSON}) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw ErrnoException.of(e, dir.resolve(name).toString());
            }
        }
    }

    /**
     * Refuses a directory that holds a kernel unless {@code replace}: booting over it loses its
     * state, so a caller checks before it writes anything there.
     */
    public static void requireVacant(Path dir, boolean replace) throws ErrnoException {
        if (exists(dir) && !replace) {
            throw new ErrnoException(Errno.EEXIST, dir + ": a virtual kernel is already booted here (--force replaces it)");
        }
    }

    /** Forgets the kernel in {@code dir} (a boot that failed half-way): the directory holds none after. */
    static void discard(Path dir) {
        for (String name : new String[] {STATE, LINKAGE}) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                // what cannot be deleted stays: kernel.state alone decides whether a kernel is there
            }
        }
    }

    /** Opens the kernel in {@code dir}, waiting for any command changing it (or, to write, using it). */
    public static KernelStore open(Path dir, Access access) throws ErrnoException {
        if (!exists(dir)) {
            throw new ErrnoException(Errno.ENOENT, dir + ": no virtual kernel (boot one with: modstack kernel boot)");
        }
        StoreLock locked = StoreLock.take(dir, access == Access.READ);
        try {
            StateFile.Contents c = read(dir);
            StateFile.Boot b = c.boot();
            KernelDescription d = KernelDescription.fromTree(Path.of(b.root()), b.release(), b.cmdline());
            d.linkage().keptBy(new KeptLinkage(dir));
            return new KernelStore(dir, access, locked, new VirtualKernel(d, BootState.of(c.state())), b);
        } catch (ErrnoException e) {
            locked.close();
            throw e;
        }
    }

    /** The kernel; changes are kept by {@link #save}. */
    public VirtualKernel kernel() {
        return kernel;
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** Writes the kernel's state atomically. */
    public void save() throws ErrnoException {
        if (access == Access.READ) {
            throw new IllegalStateException("a kernel opened to read is not saved");
        }
        write(STATE, StateFile.encode(boot, kernel.state().snapshot()));
    }

    /**
     * Reads vmlinux's side of linking from the tree once, at boot, and keeps it: every insmod
     * would otherwise parse the .config, Module.symvers and a signed module again, and read the
     * carried kernel's {@code /sys/module} list out of the jar. A tree it cannot be read
     * from keeps nothing (nor what a kernel booted here before kept): insmod then reads the tree
     * and reports what is wrong with it.
     */
    private void keepLinkage() throws ErrnoException {
        KernelDescription d = kernel.description();
        KernelDescription.Linkage.Kept kept;
        try {
            kept = new KernelDescription.Linkage.Kept(d.config(), d.exports(), d.vermagic(), d.trustedKeyIds(),
                    d.linkage().sysModule());
        } catch (UncheckedIOException e) {
            try {
                Files.deleteIfExists(dir.resolve(LINKAGE));
            } catch (IOException gone) {
                throw ErrnoException.of(gone, dir.resolve(LINKAGE).toString());
            }
            return;
        }
        write(LINKAGE, StateFile.encodeLinkage(kept));
    }

    /** What boot kept of vmlinux's side of linking; nothing when it kept nothing readable (the tree is read then). */
    /** What the kernel in a directory kept of vmlinux's linkage at boot, read when first asked for. */
    private record KeptLinkage(Path dir) implements Supplier<Optional<KernelDescription.Linkage.Kept>> {
        @Override
        public Optional<KernelDescription.Linkage.Kept> get() {
            try {
                return Optional.of(StateFile.decodeLinkage(Files.readAllBytes(dir.resolve(LINKAGE))));
            } catch (IOException | StateFile.UnreadableException e) {
                return Optional.empty();
            }
        }
    }

    private void write(String name, byte[] bytes) throws ErrnoException {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        } catch (IOException e) {
            throw ErrnoException.of(e, tmp.toString());
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new ErrnoException(Errno.EIO, target + ": cannot replace atomically", e);
        } catch (IOException e) {
            throw ErrnoException.of(e, target.toString());
        }
    }

    private static StateFile.Contents read(Path dir) throws ErrnoException {
        Path file = dir.resolve(STATE);
        try {
            return StateFile.decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            if (Files.isRegularFile(dir.resolve(OLD_KERNEL_JSON))) {
                throw otherVersion(dir.resolve(OLD_KERNEL_JSON), "virtual kernel state of an older modstack (JSON)");
            }
            throw damaged(file, "missing");
        } catch (StateFile.OtherVersionException e) {
            throw otherVersion(file, e.getMessage());
        } catch (StateFile.UnreadableException e) {
            throw damaged(file, e.getMessage());
        } catch (IOException e) {
            throw ErrnoException.of(e, file.toString());
        }
    }

    private static ErrnoException otherVersion(Path file, String what) {
        return new ErrnoException(Errno.EINVAL, file + ": " + what + "; boot the kernel again: modstack kernel boot --force");
    }

    private static ErrnoException damaged(Path file, String why) {
        return new ErrnoException(Errno.EINVAL, file + ": damaged virtual kernel state (" + why + ")");
    }

    @Override
    public void close() {
        lock.close();
    }
}
