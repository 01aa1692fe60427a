package org.modstack.util;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A file's bytes for a reader: read when the file is small, memory-mapped when it is large.
 *
 * <p>Why not always mapped: the first {@code FileChannel.map} of a JVM links
 * {@code java.lang.invoke} (the JDK's {@code ExtendedMapMode} holds a lambda), about 8 ms of a
 * one-module command, which reads a few files of a megabyte or less (see
 * {@code SmallCommandsTest}). Copying such a file costs a tenth of a millisecond.
 *
 * <p>Why a small file is read through {@code java.io}: a {@code FileChannel}'s first use (which
 * {@code Files.readAllBytes} and {@code Files.readString} make too) loads some thirty classes
 * and initialises the JDK's native I/O dispatch, about 0.9 ms of a one-module command whose
 * whole work takes ten. A {@link RandomAccessFile} uses what the JVM's start loaded already.
 */
public final class FileBytes {
    /** The largest file read rather than mapped. */
    public static final int READ_LIMIT = 4 << 20;
    /** The first read past a file's stat size: {@code /proc} and {@code /sys} files stat as empty. */
    private static final int READ_ON = 8192;

    private FileBytes() {
    }

    /**
     * The whole of file {@code path}, read to its end (a {@code /proc} file's stat size is not its
     * length). Failures are those {@code Files.readAllBytes} throws: a missing file is a
     * {@link NoSuchFileException}, one not readable an {@link AccessDeniedException}, any other
     * a {@link FileSystemException} whose reason is the system's message.
     */
    public static byte[] readAll(Path path) throws IOException {
        try (RandomAccessFile file = open(path)) {
            return readAll(file, file.length());
        }
    }

    /** The first {@code size} bytes of file {@code path}, fewer when it is shorter; failures as {@link #readAll}'s. */
    public static byte[] readHead(Path path, int size) throws IOException {
        try (RandomAccessFile file = open(path)) {
            byte[] head = new byte[size];
            int n = fill(file, head, 0);
            return n == size ? head : Arrays.copyOf(head, n);
        }
    }

    /**
     * The whole of file {@code path} for reading only: read into a heap buffer up to
     * {@link #READ_LIMIT} (the whole file, as {@link #readAll}), mapped read-only past it (its
     * first 2 GiB, a buffer's limit). The heap buffer is not made read-only, so its array stays
     * reachable: {@link CString#terminator} scans an array where C1 compiles each
     * {@code ByteBuffer.get} to a call, a sixth of {@code modprobe -a}'s time. Failures as
     * {@link #readAll}'s.
     */
    public static ByteBuffer readOrMap(Path path) throws IOException {
        try (RandomAccessFile file = open(path)) {
            long size = file.length();
            if (size <= READ_LIMIT) {
                return ByteBuffer.wrap(readAll(file, size));
            }
            return file.getChannel().map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
        }
    }

    /** Reads into {@code buffer} until it is full or the file ends: read(2) may return short counts. */
    public static ByteBuffer fill(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep going
        }
        return buffer;
    }

    /**
     * {@code file} from its start to its end, {@code size} its stat size: an array of that size,
     * then one byte more read to find the end where it should be.
     */
    private static byte[] readAll(RandomAccessFile file, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("Required array size too large");  // as Files.readAllBytes
        }
        byte[] bytes = new byte[(int) size];
        int n = fill(file, bytes, 0);
        int next;
        while (n == bytes.length && (next = file.read()) >= 0) {  // longer than its stat: read on
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, READ_ON));
            bytes[n++] = (byte) next;
            n = fill(file, bytes, n);
        }
        return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
    }

    /** Reads into {@code bytes} from {@code at} until it is full or the file ends; the count now in it. */
    private static int fill(RandomAccessFile file, byte[] bytes, int at) throws IOException {
        int n = at;
        int r;
        while (n < bytes.length && (r = file.read(bytes, n, bytes.length - n)) > 0) {
            n += r;
        }
        return n;
    }

    /**
     * The file opened for reading. java.io reports every failure to open as a
     * {@link FileNotFoundException} worded "{@code <path> (<strerror>)}"; it is thrown as the
     * exception java.nio.file throws for the same errno, which callers tell apart.
     */
    private static RandomAccessFile open(Path path) throws IOException {
        try {
            return new RandomAccessFile(path.toFile(), "r");
        } catch (FileNotFoundException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            int open = message.lastIndexOf(" (");
            String reason = open >= 0 && message.endsWith(")") ? message.substring(open + 2, message.length() - 1)
                    : message;
            FileSystemException nio = switch (reason) {
                case "No such file or directory" -> new NoSuchFileException(path.toString());
                case "Permission denied", "Operation not permitted" -> new AccessDeniedException(path.toString());
                default -> new FileSystemException(path.toString(), null, reason);
            };
            nio.initCause(e);
            throw nio;
        }
    }
}
