package org.modstack.module;

import com.sun.jna.Function;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.NativeLongByReference;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * liblzma, the xz decoder kmod itself links, called through JNA. Under the launcher's C1-only
 * JIT it decodes Debian's .ko.xz modules in about half the CPU time org.tukaani:xz takes
 * (4,023 modules, 378 MB: 6.1-7.0 s against 12.5-13.0 s). It decodes only the common case, one
 * whole stream with nothing after it; anything else (no liblzma on the system, a damaged or
 * concatenated stream) is left to {@link Compression}'s Java decoder, whose errors are the ones
 * users see.
 *
 * <p>It decodes the first module too. JNA's start is most of a one-module command that decodes
 * a .ko.xz (its logger starts java.util.logging), yet the Java decoder, interpreted at first,
 * takes longer still (one vxlan.ko.xz in a fresh JVM, 2026-12-01: 131 ms against 119 ms); and
 * under qemu's TCG the Java decoder, interpreted and compiled inside the emulator, made a Debian
 * scenario of the live-kernel suite take 31 to 106 s instead of under 10.
 */
final class Liblzma {
    private static final int LZMA_OK = 0;
    private static final int LZMA_BUF_ERROR = 10;
    /** Modules compress 4 to 5 times: a first guess at the output when the stream's index cannot tell. */
    private static final int FIRST_RATIO = 8;
    /** The .xz stream footer: CRC32, backward size, flags, magic. */
    private static final int FOOTER_SIZE = 12;

    /**
     * lzma_stream_buffer_decode(3), a whole .xz stream from one buffer into another, loaded on
     * first use; null when the system has no liblzma. Called as a function, not through a
     * {@code Library} interface: JNA implements one with a dynamic proxy, whose class a JVM spins
     * on first use (about 9 ms of a one-module command).
     */
    private static final class Holder {
        static final Function DECODE = OptionalLibrary.function(OptionalLibrary.LIBLZMA, "lzma_stream_buffer_decode");
    }

    private Liblzma() {
    }

    /**
     * The decoded stream, or empty when it is not one whole stream liblzma decodes (or there is
     * no liblzma). The output buffer is sized from the stream's index, so it is decoded once.
     *
     * @param scratch whether the output may stay in this thread's {@link ScratchBuffer}, valid
     *     until its next use; else it is a buffer of its own
     */
    static Optional<ByteBuffer> decode(byte[] xz, boolean scratch) {
        Function decode = Holder.DECODE;
        if (decode == null) {
            return Optional.empty();
        }
        long recorded = uncompressedSize(xz);
        long guess = recorded >= 0 ? Math.max(recorded, 1) : (long) xz.length * FIRST_RATIO;
        while (guess <= Integer.MAX_VALUE) {
            ByteBuffer out = ScratchBuffer.take((int) guess);
            NativeLongByReference inPos = new NativeLongByReference(new NativeLong(0));
            NativeLongByReference outPos = new NativeLongByReference(new NativeLong(0));
            // (uint64_t *memlimit, uint32_t flags, allocator, in, size_t *in_pos, size_t in_size,
            //  out, size_t *out_pos, size_t out_size)
            int ret = decode.invokeInt(new Object[] {new LongByReference(-1L), 0, null, xz, inPos,
                new NativeLong(xz.length), out, outPos, new NativeLong(out.limit())});
            if (ret == LZMA_OK && inPos.getValue().longValue() == xz.length) {
                int length = (int) outPos.getValue().longValue();
                if (scratch) {
                    return Optional.of(out.limit(length));
                }
                byte[] bytes = new byte[length];
                out.get(0, bytes);
                ScratchBuffer.giveBack();
                return Optional.of(ByteBuffer.wrap(bytes));
            }
            if (ret != LZMA_BUF_ERROR) {
                ScratchBuffer.giveBack();
                return Optional.empty();
            }
            guess *= 2;
        }
        ScratchBuffer.giveBack();
        return Optional.empty();
    }

    /**
     * The uncompressed size a single .xz stream's index records (the sum of its blocks'), or -1
     * when the stream does not end as one whose index can be read: the footer's backward size
     * locates the index, whose records are pairs of multibyte numbers (unpadded, uncompressed).
     */
    private static long uncompressedSize(byte[] xz) {
        int footer = xz.length - FOOTER_SIZE;
        if (footer < 0 || xz[xz.length - 2] != 'Y' || xz[xz.length - 1] != 'Z') {
            return -1;
        }
        long backward = ((xz[footer + 4] & 0xFFL) | (xz[footer + 5] & 0xFFL) << 8 | (xz[footer + 6] & 0xFFL) << 16
                | (xz[footer + 7] & 0xFFL) << 24);
        long index = footer - (backward + 1) * 4;
        if (index < 0 || xz[(int) index] != 0) {
            return -1;
        }
        int[] at = {(int) index + 1};
        long records = multibyte(xz, at, footer);
        long total = 0;
        for (long r = 0; r < records && total >= 0; r++) {
            long unpadded = multibyte(xz, at, footer);
            long size = multibyte(xz, at, footer);
            total = unpadded < 0 || size < 0 ? -1 : total + size;
        }
        return records < 0 || total > Integer.MAX_VALUE ? -1 : total;
    }

    /** An .xz multibyte number at {@code at[0]} (advanced past it), or -1 when it runs past {@code end}. */
    private static long multibyte(byte[] b, int[] at, int end) {
        long value = 0;
        for (int shift = 0; shift < 63 && at[0] < end; shift += 7) {
            int x = b[at[0]++];
            value |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }
}
