package org.modstack.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A file's bytes for a reader: read when the file is small, memory-mapped when it is large.
 *
 * <p>Why not always mapped: the first {@code FileChannel.map} of a JVM links
 * {@code java.lang.invoke} (the JDK's {@code ExtendedMapMode} holds a lambda), about 8 ms of a
 * one-module command, which reads a few files of a megabyte or less (see
 * {@code SmallCommandsTest}). Copying such a file costs a tenth of a millisecond.
 */
public final class FileBytes {
    /** The largest file read rather than mapped. */
    public static final int READ_LIMIT = 4 << 20;

    private FileBytes() {
    }

    /** The whole of {@code channel}'s file from its position, read(2) until it ends; at most {@code size} bytes. */
    public static byte[] read(FileChannel channel, int size) throws IOException {
        ByteBuffer whole = fill(channel, ByteBuffer.allocate(size));
        return whole.hasRemaining() ? Arrays.copyOf(whole.array(), whole.position()) : whole.array();
    }

    /** Reads into {@code buffer} until it is full or the file ends: read(2) may return short counts. */
    public static ByteBuffer fill(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep going
        }
        return buffer;
    }

    /**
     * The first {@code size} bytes of {@code channel}'s file, for reading only: read into a heap
     * buffer up to {@link #READ_LIMIT}, mapped read-only past it. The heap buffer is not made
     * read-only, so its array stays reachable: {@link CString#terminator} scans an array where
     * C1 compiles each {@code ByteBuffer.get} to a call, a sixth of {@code modprobe -a}'s time.
     */
    public static ByteBuffer readOrMap(FileChannel channel, long size) throws IOException {
        if (size <= READ_LIMIT) {
            return ByteBuffer.wrap(read(channel, (int) size));
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
}
