package org.modstack.module;

import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.util.FileBytes;

/**
 * The bytes of a module file, decompressed: what libkmod's {@code kmod_file} holds.
 *
 * <p>A large uncompressed file is memory-mapped, never copied: past {@link FileBytes#READ_LIMIT}
 * for {@link #read}, past the scratch buffer for {@link #readScratch}.
 *
 * @param path the file it was read from
 * @param compression how the file was compressed
 * @param image the uncompressed ELF image, read-only, positioned at 0
 */
public record ModuleFile(Path path, Compression compression, ByteBuffer image) {
    /** The largest compressed module read whole (a Java array's limit). */
    private static final long MAX_COMPRESSED = Integer.MAX_VALUE - 8;

    /**
     * Reads {@code path}, decompressing it when its magic says so.
     *
     * @throws ErrnoException with libkmod's errno: that of {@code open(2)} or {@code read(2)},
     *     {@link Errno#EINVAL} for a file shorter than the longest compression magic or a
     *     corrupt compressed stream
     */
    public static ModuleFile read(Path path) throws ErrnoException {
        try {
            ByteBuffer file = FileBytes.readOrMap(path);  // see FileBytes: a small file is read, not mapped
            if (file.hasArray()) {
                return of(path, file.array(), false);
            }
            byte[] head = new byte[Compression.MAGIC_MAX];
            file.get(0, head);
            if (Compression.detect(head) == Compression.NONE) {
                return new ModuleFile(path, Compression.NONE, file.asReadOnlyBuffer());
            }
            return of(path, readWhole(path, Files.size(path)), false);  // a large compressed one, for its decoder
        } catch (IOException e) {
            throw ErrnoException.of(e, path.toString());
        }
    }

    /**
     * Reads {@code path} as {@link #read} does, for a reader done with each module before it
     * reads the next, as depmod is with a tree: the image lies in this thread's scratch buffer,
     * valid until the thread's next scratch read or decompression. A file that fits is read, not
     * mapped: mapping thousands of small files cost more than copying them.
     *
     * @throws ErrnoException as {@link #read} does
     */
    public static ModuleFile readScratch(Path path) throws ErrnoException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= ScratchBuffer.KEPT_SIZE) {
                return readIntoScratch(path, channel, (int) size);
            }
            byte[] head = readHead(channel);
            if (head.length != Compression.MAGIC_MAX) {
                throw new ErrnoException(Errno.EINVAL, path + ": file too short");
            }
            Compression compression = Compression.detect(head);
            if (compression == Compression.NONE) {
                // A buffer reaches 2 GiB: past that, a file reads as if cut there, so an ELF whose
                // parts lie beyond is refused as a truncated one would be, and the rest reads as kmod reads it.
                ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
                return new ModuleFile(path, compression, map.asReadOnlyBuffer());
            }
            return of(path, readWhole(path, size), true);
        } catch (IOException e) {
            throw ErrnoException.of(e, path.toString());
        }
    }

    private static ModuleFile readIntoScratch(Path path, FileChannel channel, int size) throws IOException {
        ByteBuffer image = FileBytes.fill(channel, ScratchBuffer.take(size)).flip();
        if (image.limit() < Compression.MAGIC_MAX) {
            throw new ErrnoException(Errno.EINVAL, path + ": file too short");
        }
        byte[] head = new byte[Compression.MAGIC_MAX];
        image.get(0, head);
        if (Compression.detect(head) == Compression.NONE) {
            return new ModuleFile(path, Compression.NONE, image.asReadOnlyBuffer());
        }
        byte[] compressed = new byte[image.limit()];  // the decoder's output takes the scratch buffer
        image.get(0, compressed);
        return of(path, compressed, true);
    }

    /**
     * The whole file, for a reader that keeps its bytes besides decompressing them (a compressed
     * module is read whole anyway); give them to {@link #of}.
     *
     * @throws ErrnoException as {@link #read} does
     */
    public static byte[] readWhole(Path path) throws ErrnoException {
        try {
            return readWhole(path, Files.size(path));
        } catch (IOException e) {
            throw ErrnoException.of(e, path.toString());
        }
    }

    private static byte[] readWhole(Path path, long size) throws IOException {
        if (size > MAX_COMPRESSED) {
            throw new ErrnoException(Errno.EINVAL, path + ": stream over 2 GiB");
        }
        return Files.readAllBytes(path);
    }

    /**
     * The module in {@code bytes}, the whole of file {@code path}, decompressed when its magic
     * says so.
     *
     * @throws ErrnoException as {@link #read} does
     */
    public static ModuleFile of(Path path, byte[] bytes) throws ErrnoException {
        return of(path, bytes, false);
    }

    /**
     * The module in {@code bytes}, as {@link #of}, its image left in this thread's scratch buffer
     * as {@link #readScratch} leaves it.
     *
     * @throws ErrnoException as {@link #read} does
     */
    public static ModuleFile ofScratch(Path path, byte[] bytes) throws ErrnoException {
        return of(path, bytes, true);
    }

    private static ModuleFile of(Path path, byte[] bytes, boolean scratch) throws ErrnoException {
        if (bytes.length < Compression.MAGIC_MAX) {
            throw new ErrnoException(Errno.EINVAL, path + ": file too short");
        }
        Compression compression = Compression.detect(bytes);
        ByteBuffer image = compression == Compression.NONE ? ByteBuffer.wrap(bytes).asReadOnlyBuffer()
                : decompress(path, compression, bytes, scratch);
        return new ModuleFile(path, compression, image);
    }

    private static ByteBuffer decompress(Path path, Compression compression, byte[] compressed, boolean scratch)
            throws ErrnoException {
        try {
            return compression.decompress(compressed, scratch).asReadOnlyBuffer();
        } catch (IOException | ZstdException e) {
            // libkmod folds every decoder failure into EINVAL; zstd-jni reports some unchecked.
            throw new ErrnoException(Errno.EINVAL, path + ": " + compression + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readHead(FileChannel channel) throws IOException {
        ByteBuffer head = FileBytes.fill(channel, ByteBuffer.allocate(Compression.MAGIC_MAX));
        byte[] bytes = new byte[head.position()];
        head.flip().get(bytes);
        return bytes;
    }
}
