package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * A module file's identity, and what its bytes were, as {@link DepmodCache} keeps them: an
 * entry is reused for the very same file ({@link #sameFile}), or for the same bytes
 * ({@link #sameBytes}). The change time is part of
 * the identity so that a rewrite which restores the modification time ({@code cp -p},
 * {@code touch -r}) is still seen.
 *
 * @param digest the CRC-32C of a compressed file's bytes in the high half, their CRC-32 in
 *     the low half; 0 when not known (an uncompressed module is mapped, not read whole)
 */
record ModuleStamp(long size, long mtimeNanos, long ctimeNanos, long inode, long digest) {
    /**
     * The attributes a stamp is made of, and the file's mode, for {@link Files#readAttributes}:
     * a search that stats each file for its type takes the stamp from the same call.
     */
    static final String ATTRIBUTES = "unix:mode,ino,size,lastModifiedTime,ctime";

    static ModuleStamp of(String path) throws IOException {
        return of(Files.readAttributes(Path.of(path), ATTRIBUTES));
    }

    /** The stamp in attributes read with {@link #ATTRIBUTES}. */
    static ModuleStamp of(Map<String, Object> a) {
        return new ModuleStamp((Long) a.get("size"), nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")),
                (Long) a.get("ino"), 0);
    }

    /** This stamp with the digest of the file's {@code bytes}. */
    ModuleStamp withBytes(byte[] bytes) {
        long digest = digest(bytes);
        return new ModuleStamp(size, mtimeNanos, ctimeNanos, inode, digest == 0 ? 1 : digest);
    }

    /**
     * Written out: a record's own {@code equals} is bound through method handles on its
     * first call, which took 40 ms of a 450 ms incremental run.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModuleStamp other && sameFile(other) && digest == other.digest;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size ^ mtimeNanos ^ ctimeNanos ^ inode ^ digest);
    }

    /** Whether {@code other} stats as the same file, unchanged. */
    boolean sameFile(ModuleStamp other) {
        return size == other.size && mtimeNanos == other.mtimeNanos && ctimeNanos == other.ctimeNanos
                && inode == other.inode;
    }

    /** Whether both know their file's bytes, and they are the same. */
    boolean sameBytes(ModuleStamp other) {
        return digest != 0 && digest == other.digest && size == other.size;
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    /**
     * CRC-32C of {@code bytes} in the high half, CRC-32 in the low: 64 bits that the JDK computes
     * at memory speed from its first call (a MessageDigest's providers took 18 ms to load).
     */
    static long digest(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        CRC32 d = new CRC32();
        d.update(bytes);
        return c.getValue() << 32 | d.getValue();
    }
}
