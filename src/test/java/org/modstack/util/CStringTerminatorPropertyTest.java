package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link CString#terminator} scans a heap buffer's array and any other buffer eight bytes at a
 * time: whatever the buffer, its order, its offset and the range asked, it answers as a byte-by-byte
 * scan does, and throws where that scan would (a range past the buffer's limit).
 */
class CStringTerminatorPropertyTest {

    enum Kind { HEAP, READ_ONLY, DIRECT, SLICED }

    @Property(tries = 3000)
    void terminatorScansAsByteByByte(@ForAll("contents") byte[] contents, @ForAll Kind kind,
            @ForAll boolean bigEndian, @ForAll @IntRange(min = -2, max = 70) int from,
            @ForAll @IntRange(min = -2, max = 80) int limit) {
        ByteBuffer buf = buffer(contents, kind).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        assertThat(outcome(() -> CString.terminator(buf, from, limit)))
                .isEqualTo(outcome(() -> byteByByte(buf, from, limit)));
    }

    private static ByteBuffer buffer(byte[] contents, Kind kind) {
        return switch (kind) {
            case HEAP -> ByteBuffer.wrap(contents);
            case READ_ONLY -> ByteBuffer.wrap(contents).asReadOnlyBuffer();
            case DIRECT -> ByteBuffer.allocateDirect(contents.length).put(contents).clear();
            case SLICED -> {  // an array offset, and bytes past the slice that must not be read
                byte[] wider = new byte[contents.length + 6];
                java.util.Arrays.fill(wider, (byte) 'x');
                System.arraycopy(contents, 0, wider, 3, contents.length);
                yield ByteBuffer.wrap(wider, 3, contents.length).slice();
            }
        };
    }

    private static int byteByByte(ByteBuffer buf, int from, int limit) {
        int i = from;
        while (i < limit && buf.get(i) != 0) {
            i++;
        }
        return i;
    }

    interface Scan {
        int run();
    }

    /** The index found, or the kind of exception thrown. */
    private static String outcome(Scan scan) {
        try {
            return Integer.toString(scan.run());
        } catch (IndexOutOfBoundsException e) {
            return "out of bounds";
        }
    }

    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<Byte> bytes = Arbitraries.oneOf(Arbitraries.just((byte) 0), Arbitraries.bytes(),
                Arbitraries.bytes().between((byte) 1, (byte) 127));
        return bytes.array(byte[].class).ofMaxSize(64);
    }
}
