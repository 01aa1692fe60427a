package org.modstack.depmod;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The frame of depmod's own files in the cache directory ({@link DepmodCache},
 * {@link PreviousRun}): {@code u32 magic | u32 version | u32 crc32 of the body | body},
 * written whole under a temporary name and renamed into place.
 */
final class CheckedFile {
    /** Magic, version and checksum. */
    static final int HEADER_SIZE = 12;

    private CheckedFile() {
    }

    /**
     * The body of {@code file} (positioned after the header), or empty when its magic, version
     * or checksum is not the expected.
     */
    static Optional<ByteBuffer> body(ByteBuffer file, int magic, int version) {
        ByteBuffer buf = file.duplicate();
        if (buf.remaining() < HEADER_SIZE || buf.getInt() != magic || buf.getInt() != version) {
            return Optional.empty();
        }
        int crc = buf.getInt();
        CRC32 check = new CRC32();
        check.update(buf.duplicate());
        return (int) check.getValue() == crc ? Optional.of(buf) : Optional.empty();
    }

    /** Writes the header and {@code body} as {@code dir/name}, whole or not at all. */
    static void write(Path dir, String name, int magic, int version, List<ByteBuffer> body) throws IOException {
        CRC32 crc = new CRC32();
        body.forEach(b -> crc.update(b.duplicate()));
        List<ByteBuffer> file = new ArrayList<>(body.size() + 1);
        file.add(ByteBuffer.allocate(HEADER_SIZE).putInt(magic).putInt(version).putInt((int) crc.getValue()).flip());
        body.forEach(b -> file.add(b.duplicate()));
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + "." + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer[] pieces = file.toArray(ByteBuffer[]::new);
                long left = file.stream().mapToLong(ByteBuffer::remaining).sum();
                while (left > 0) {
                    left -= ch.write(pieces);
                }
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
