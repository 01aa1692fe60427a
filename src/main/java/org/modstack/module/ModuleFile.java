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

/**
 * The bytes of a module file, decompressed: what libkmod's {@code kmod_file} holds.
 *
 * <p>An uncompressed file is memory-mapped, never copied.
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
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            byte[] head = readHead(channel);
            if (head.length != Compression.MAGIC_MAX) {
                throw new ErrnoException(Errno.EINVAL, path + ": file too short");
            }
            Compression compression = Compression.detect(head);
            if (compression == Compression.NONE) {
                // A buffer reaches 2 GiB: past that, a file reads as if cut there, so an ELF whose
                // parts lie beyond is refused as a truncated one would be, and the rest reads as kmod reads it.
                ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(channel.size(), Integer.MAX_VALUE));
                return new ModuleFile(path, compression, map.asReadOnlyBuffer());
            }
            return of(path, readWhole(path, channel.size()));
        } catch (IOException e) {
            throw ErrnoException.of(e, path.toString());
        }
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
        if (bytes.length < Compression.MAGIC_MAX) {
            throw new ErrnoException(Errno.EINVAL, path + ": file too short");
        }
        Compression compression = Compression.detect(bytes);
        ByteBuffer image = compression == Compression.NONE ? ByteBuffer.wrap(bytes).asReadOnlyBuffer()
                : decompress(path, compression, bytes);
        return new ModuleFile(path, compression, image);
    }

    /**
     * Gives the pages of a memory-mapped image back to the system once the caller is done with
     * it (a decompressed image is left to the collector); reading the image afterwards is still
     * safe, from the page cache.
     */
    public void release() {
        if (compression == Compression.NONE) {
            MappedPages.release(image);
        }
    }

    private static ByteBuffer decompress(Path path, Compression compression, byte[] compressed)
            throws ErrnoException {
        try {
            return compression.decompress(compressed).asReadOnlyBuffer();
        } catch (IOException | ZstdException e) {
            // libkmod folds every decoder failure into EINVAL; zstd-jni reports some unchecked.
            throw new ErrnoException(Errno.EINVAL, path + ": " + compression + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readHead(FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(Compression.MAGIC_MAX);
        while (head.hasRemaining() && channel.read(head) > 0) {
            // read(2) may return short counts; keep going until EOF or full.
        }
        byte[] bytes = new byte[head.position()];
        head.flip().get(bytes);
        return bytes;
    }
}
