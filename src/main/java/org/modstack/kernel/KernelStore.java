package org.modstack.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A virtual kernel kept in a directory, so that separate commands act on one kernel:
 * {@code kernel.json} says which kernel it is (the tree it was booted from and its command
 * line), {@code state.json} what it has done since boot. Opening takes a lock on {@code lock}
 * until {@link #close} (shared to read, exclusive to change), so a change waits for readers and
 * readers for a change; state is
 * written to a temporary file and renamed over the old one, so a reader never sees half a write.
 */
public final class KernelStore implements AutoCloseable {
    private static final int FORMAT = 1;

    /** Made on first use: asking whether a kernel exists must not pay for Jackson's start-up. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new Jdk8Module())
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** Which kernel a store holds. */
    record Boot(int format, String root, String release, String cmdline) {
    }

    /** Whether a command changes the kernel or only reads it. */
    public enum Access { READ, WRITE }

    private final Path dir;
    private final Access access;
    private final StoreLock lock;
    private final VirtualKernel kernel;

    private KernelStore(Path dir, Access access, StoreLock lock, VirtualKernel kernel) {
        this.dir = dir;
        this.access = access;
        this.lock = lock;
        this.kernel = kernel;
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
        return Files.isRegularFile(dir.resolve("kernel.json"));
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
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ErrnoException.of(e, dir.toString());
        }
        KernelStore store = new KernelStore(dir, Access.WRITE, StoreLock.take(dir, false),
                new VirtualKernel(d, BootState.boot()));
        try {
            store.write("kernel.json", new Boot(FORMAT, d.root().toString(), d.release(), d.cmdline()));
            store.save();
        } catch (ErrnoException e) {
            store.close();
            throw e;
        }
        return store;
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
        for (String name : new String[] {"kernel.json", "state.json"}) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                // what cannot be deleted stays; kernel.json alone decides whether a kernel is there
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
            Boot boot = read(dir.resolve("kernel.json"), Boot.class);
            if (boot.format() != FORMAT || boot.root() == null || boot.release() == null) {
                throw damaged(dir.resolve("kernel.json"), "unknown format");
            }
            BootState.Snapshot snap = read(dir.resolve("state.json"), BootState.Snapshot.class);
            if (snap.modules() == null || snap.log() == null || snap.once() == null || snap.initResults() == null) {
                throw damaged(dir.resolve("state.json"), "missing fields");
            }
            KernelDescription d = KernelDescription.fromTree(Path.of(boot.root()), boot.release(), boot.cmdline());
            return new KernelStore(dir, access, locked, new VirtualKernel(d, BootState.of(snap)));
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
        write("state.json", kernel.state().snapshot());
    }

    private void write(String name, Object value) throws ErrnoException {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value)));
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

    private static <T> T read(Path file, Class<T> type) throws ErrnoException {
        try {
            return Json.MAPPER.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw damaged(file, "missing");
        } catch (JsonProcessingException e) {
            throw damaged(file, e.getLocation() == null ? "unreadable"
                    : "unreadable at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw ErrnoException.of(e, file.toString());
        }
    }

    private static ErrnoException damaged(Path file, String why) {
        return new ErrnoException(Errno.EINVAL, file + ": damaged virtual kernel state (" + why + ")");
    }

    @Override
    public void close() {
        lock.close();
    }
}
