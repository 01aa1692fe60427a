package org.modstack.depmod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incremental cache is never trusted past its own bytes, even with a checksum that holds. */
class DepmodCacheTest {

    /** A cache whose checksum is right but whose first string runs past the file: ignored, not a crash. */
    @Test
    void cacheWithAValidChecksumButAStringPastItsEndIsIgnored(@TempDir Path dir) throws Exception {
        ByteBuffer body = ByteBuffer.allocate(8).putInt(1).putShort((short) 200).put(new byte[] {'a', 'b'});
        body.flip();
        CRC32 crc = new CRC32();
        crc.update(body.duplicate());
        ByteBuffer file = ByteBuffer.allocate(12 + body.remaining())
                .putInt(0x4D534443).putInt(2).putInt((int) crc.getValue()).put(body);
        Files.write(dir.resolve(DepmodCache.FILE_NAME), file.array());
        assertThat(DepmodCache.load(dir).size()).isZero();
    }
}
