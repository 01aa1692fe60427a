package org.modstack.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A virtual kernel kept in a directory, so that separate commands act on one kernel:
 * {@code kernel.json} says which kernel it is (the tree it was booted from and its command
 * line), {@code state.json} what it has done since boot. Opening takes an exclusive lock on
 * {@code lock} until {@link #close}, so concurrent commands run one after the other; state is
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

    /** File locks are per process: threads of one process wait on these first. */
    private static final Map<Path, ReentrantLock> IN_PROCESS =
            new ConcurrentHashMap<>();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final VirtualKernel kernel;

    private KernelStore(Path dir, FileChannel lockChannel, FileLock lock, VirtualKernel kernel) {
        this.dir = dir;
        this.lockChannel = lockChannel;
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
     * with {@code cmdline}; anything the directory held before is replaced.
     */
    public static KernelStore boot(Path dir, Path root, String release, String cmdline) throws ErrnoException {
        KernelDescription d = KernelDescription.fromTree(root.toAbsolutePath(), release, cmdline);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ErrnoException.of(e, dir.toString());
        }
        KernelStore store = lock(dir, new VirtualKernel(d, BootState.boot()));
        try {
            store.write("kernel.json", new Boot(FORMAT, d.root().toString(), d.release(), d.cmdline()));
            store.save();
        } catch (ErrnoException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Opens the kernel in {@code dir}, waiting for any other command using it. */
    public static KernelStore open(Path dir) throws ErrnoException {
        if (!exists(dir)) {
            throw new ErrnoException(Errno.ENOENT, dir + ": no virtual kernel (boot one with: modstack kernel boot)");
        }
        KernelStore locked = lock(dir, null);
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
            return new KernelStore(dir, locked.lockChannel, locked.lock, new VirtualKernel(d, BootState.of(snap)));
        } catch (ErrnoException e) {
            locked.close();
            throw e;
        }
    }

    private static KernelStore lock(Path dir, VirtualKernel kernel) throws ErrnoException {
        ReentrantLock local = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(),
                d -> new ReentrantLock());
        local.lock();
        try {
            FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new KernelStore(dir, ch, ch.lock(), kernel);
        } catch (IOException e) {
            local.unlock();
            throw ErrnoException.of(e, dir.resolve("lock").toString());
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
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // closing the channel releases the lock anyway
        } finally {
            IN_PROCESS.get(dir.toAbsolutePath().normalize()).unlock();
        }
    }
}
