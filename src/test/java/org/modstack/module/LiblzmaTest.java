package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** liblzma's decoder through JNA: what it hands out, and that it is what was compressed. */
class LiblzmaTest {

    @Test
    void aSmallStreamIsCopiedOutOfTheThreadsReusedBuffer() throws IOException {
        byte[] first = sample(100_000, 1);
        byte[] second = sample(100_000, 2);
        ByteBuffer a = Liblzma.decode(xz(first), false).orElseThrow();
        ByteBuffer b = Liblzma.decode(xz(second), false).orElseThrow();
        assertThat(a.isDirect()).as("a copy in the heap").isFalse();
        assertThat(bytes(a)).as("untouched by the next decode on this thread").isEqualTo(first);
        assertThat(bytes(b)).isEqualTo(second);
    }

    @Test
    void aLargeStreamIsCopiedOutOfTheNativeBufferTheNextDecodeFrees() throws IOException {
        // larger than a thread's own buffer (1 MB), as amdgpu.ko is (30 MB)
        byte[] large = sample(9 << 20, 3);
        ByteBuffer out = Liblzma.decode(xz(large), false).orElseThrow();
        assertThat(out.isDirect()).isFalse();
        assertThat(bytes(out)).isEqualTo(large);
        byte[] small = sample(50_000, 4);
        assertThat(bytes(Liblzma.decode(xz(small), false).orElseThrow())).isEqualTo(small);
        assertThat(bytes(Liblzma.decode(xz(large), true).orElseThrow())).as("scratch, past the kept size").isEqualTo(large);
        assertThat(bytes(Liblzma.decode(xz(small), true).orElseThrow())).isEqualTo(small);
        assertThat(bytes(out)).isEqualTo(large);
    }

    @Test
    void aScratchDecodeIsLeftInTheThreadsBufferForTheNextToReuse() throws IOException {
        byte[] first = sample(100_000, 5);
        ByteBuffer a = Liblzma.decode(xz(first), true).orElseThrow();
        assertThat(a.isDirect()).as("no copy").isTrue();
        assertThat(bytes(a)).isEqualTo(first);
        byte[] second = sample(100_000, 6);
        ByteBuffer b = Liblzma.decode(xz(second), true).orElseThrow();
        assertThat(bytes(b)).isEqualTo(second);
        assertThat(bytes(a)).as("the same buffer, overwritten").isEqualTo(second);
    }

    /** Module-like data: compressible, not uniform. */
    private static byte[] sample(int size, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (r.nextInt(16) == 0 ? r.nextInt(256) : i % 61);
        }
        return b;
    }

    private static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options(1))) {
            xz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
