package org.modstack.module;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.XZInputStream;

/**
 * How a module file is compressed, told by its first bytes as libkmod tells it: the file
 * name's extension plays no part.
 */
public enum Compression {
    ZSTD(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, ".zst"),
    XZ(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, ".xz"),
    GZIP(new byte[] {0x1F, (byte) 0x8B}, ".gz"),
    NONE(new byte[0], "");

    /** The most magic bytes any format needs; libkmod refuses a shorter file outright. */
    static final int MAGIC_MAX = 6;

    private final byte[] magic;
    private final String extension;

    Compression(byte[] magic, String extension) {
        this.magic = magic;
        this.extension = extension;
    }

    /** The extension this format adds after {@code .ko}, e.g. {@code ".xz"}; empty for NONE. */
    public String extension() {
        return extension;
    }

    /**
     * Whether a file name is a module's as kmod tells it: {@code .ko}, or {@code .ko} followed
     * by a compression's extension.
     */
    public static boolean isModuleFileName(String name) {
        for (Compression c : values()) {
            if (name.endsWith(".ko" + c.extension)) {
                return true;
            }
        }
        return false;
    }

    /** The format whose magic starts {@code head}, or {@link #NONE}. */
    public static Compression detect(byte[] head) {
        for (Compression c : values()) {
            if (c != NONE && startsWith(head, c.magic)) {
                return c;
            }
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decompresses a whole stream.
     *
     * <p>Like libkmod, concatenated streams are read through, and a zstd stream cut short ends
     * the output quietly where the data ends (kmod reads zstd until end of file without asking
     * whether the last frame was complete); xz and gzip treat a short stream as an error.
     */
    public ByteBuffer decompress(byte[] compressed) throws IOException {
        return decompress(compressed, false);
    }

    /**
     * Decompresses a whole stream, as {@link #decompress(byte[])}; with {@code scratch}, the
     * output may be left in this thread's {@link ScratchBuffer}, valid until its next use.
     */
    ByteBuffer decompress(byte[] compressed, boolean scratch) throws IOException {
        Optional<ByteBuffer> fast = switch (this) {
            case XZ -> Liblzma.decode(compressed, scratch);
            case ZSTD -> zstdWhole(compressed, scratch);
            default -> Optional.empty();
        };
        if (fast.isPresent()) {
            return fast.get();
        }
        try (InputStream in = open(new ByteArrayInputStream(compressed))) {
            return ByteBuffer.wrap(in.readAllBytes());
        } catch (LinkageError e) {
            // zstd's decoder is native code, unpacked to java.io.tmpdir on first use: without it,
            // this format cannot be read, as a kmod built without libzstd cannot read it
            throw new IOException(this + " decoder unavailable (" + e.getMessage() + ")");
        }
    }

    /**
     * A zstd stream of one frame that records its size (as the zstd tool writes a module's),
     * decoded in one call into a buffer of that size (this thread's {@link ScratchBuffer} with
     * {@code scratch}: an array of its own for each module of a tree was most of a full
     * depmod's garbage); empty for anything else (no size, more frames, a damaged or cut
     * stream), which the streaming decoder reads as libkmod does. The stream, read through a
     * growing array, copied every module twice.
     */
    private static Optional<ByteBuffer> zstdWhole(byte[] zst, boolean scratch) {
        try {
            long size = Zstd.getFrameContentSize(zst);
            if (size < 0 || size > Integer.MAX_VALUE - 8) {
                return Optional.empty();
            }
            // zstd checks the frame's recorded size; zstd-jni throws on any error
            if (scratch) {
                ByteBuffer out = ScratchBuffer.take((int) size);
                Zstd.decompress(out, zst);
                return Optional.of(out.flip());
            }
            byte[] out = new byte[(int) size];
            Zstd.decompress(out, zst);
            return Optional.of(ByteBuffer.wrap(out));
        } catch (ZstdException | LinkageError e) {
            if (scratch) {
                ScratchBuffer.giveBack();  // a large buffer taken for this stream
            }
            return Optional.empty();  // more frames, a cut or damaged stream: the streaming decoder reads it
        }
    }

    private InputStream open(InputStream raw) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStreamNoFinalizer(raw).setContinuous(true);
            // Modules are small and many: reuse the decoder's large buffers across files.
            case XZ -> new XZInputStream(raw, -1, true, BasicArrayCache.getInstance());
            case GZIP -> new GZIPInputStream(raw);
            case NONE -> raw;
        };
    }
}
