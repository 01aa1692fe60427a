package org.modstack.kernel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.modstack.ErrnoException;

/**
 * A kernel directory's lock: commands that only read share it, a command that changes the
 * kernel holds it alone. Java's file locks are per process, so threads of one process wait on
 * an in-process lock first.
 */
final class StoreLock implements AutoCloseable {
    private static final Map<Path, ReentrantReadWriteLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Lock local;
    private final FileChannel channel;

    private StoreLock(Lock local, FileChannel channel) {
        this.local = local;
        this.channel = channel;
    }

    /** Waits for the lock on {@code dir}; a shared one needs only read access to the directory. */
    static StoreLock take(Path dir, boolean shared) throws ErrnoException {
        ReentrantReadWriteLock fresh = new ReentrantReadWriteLock();
        ReentrantReadWriteLock rw = IN_PROCESS.putIfAbsent(dir.toAbsolutePath().normalize(), fresh);
        if (rw == null) {
            rw = fresh;
        }
        Lock local = shared ? rw.readLock() : rw.writeLock();
        local.lock();
        Path file = dir.resolve("lock");
        try {
            FileChannel ch = shared ? openToRead(file)
                    : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (ch != null) {
                ch.lock(0, Long.MAX_VALUE, shared);
            }
            return new StoreLock(local, ch);
        } catch (IOException e) {
            local.unlock();
            throw ErrnoException.of(e, file.toString());
        }
    }

    private static FileChannel openToRead(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;  // a kernel copied without its lock file: no command has written to it here
        }
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();  // releases the file lock
            }
        } catch (IOException e) {
            // the lock goes with the channel whatever close reports
        } finally {
            local.unlock();
        }
    }
}
