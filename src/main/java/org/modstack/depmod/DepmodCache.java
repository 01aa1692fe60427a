package org.modstack.depmod;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.modstack.module.Import;
import org.modstack.module.SymbolVersion;

/**
 * What depmod read from each module file, kept beside the indexes so that the next run reads
 * only the files that changed. An entry is reused only when the file's path, size,
 * modification time (nanoseconds) and inode are all unchanged.
 *
 * <p>The cache is a hint, never trusted: a file whose magic, version, length or checksum is
 * wrong is ignored whole and rebuilt by the run.
 *
 * <pre>
 * file:    "MSDC" u32 version | u32 crc32 of the rest | body
 * body:    u32 nstrings, {u16 len, bytes} x nstrings        (every string once)
 *          u32 nmodules, module x nmodules
 * module:  str path, u64 size, u64 mtime ns, u64 ctime ns, u64 inode, str error (0xFFFFFFFF: none)
 *          u32 n, {str name, u64 crc} x n                    provided symbols
 *          u32 n (0xFFFFFFFF: unreadable), {str name, u8 weak, u8 hascrc, u64 crc} x n
 *          3 x (u32 n, str x n)                              alias, softdep, weakdep values
 * str:     u32 index into the string table
 * </pre>
 */
public final class DepmodCache {
    /** The cache's file name in its directory. */
    public static final String FILE_NAME = ".modstack-depmod.cache";
    private static final int MAGIC = 0x4D534443;  // "MSDC"
    private static final int VERSION = 2;
    private static final int NONE = -1;

    /**
     * A module file's identity: reuse an entry only for the very same file. The change time is
     * part of it so that a rewrite which restores the modification time ({@code cp -p},
     * {@code touch -r}) is still seen.
     */
    record Stamp(long size, long mtimeNanos, long ctimeNanos, long inode) {
        static Stamp of(String path) throws IOException {
            Map<String, Object> a = Files.readAttributes(Path.of(path), "unix:ino,size,lastModifiedTime,ctime");
            return new Stamp((Long) a.get("size"), nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")),
                    (Long) a.get("ino"));
        }

        private static long nanos(Object time) {
            return ((FileTime) time).to(TimeUnit.NANOSECONDS);
        }
    }

    record Entry(Stamp stamp, DepmodModule.Contents contents) {
    }

    private final Map<String, Entry> entries;

    private DepmodCache(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /**
     * Where the cache of module directory {@code moduleDir} lives unless told otherwise: under
     * {@code $XDG_CACHE_HOME/modstack/depmod} (else {@code ~/.cache}), one directory per module
     * directory, named by a hash of its absolute path and its release. Out of the tree, it never
     * ships in an initramfs or an image built from the tree.
     */
    public static Path defaultDirectory(Path moduleDir) {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = moduleDir.toAbsolutePath().normalize();
        String key;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(dir.toString().getBytes(StandardCharsets.UTF_8));
            key = HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        Path name = dir.getFileName();
        return base.resolve("modstack").resolve("depmod").resolve(key + (name == null ? "" : "-" + name));
    }

    /** An empty cache. */
    static DepmodCache empty() {
        return new DepmodCache(new HashMap<>());
    }

    /** The cache in {@code dir}, or an empty one when it is missing or damaged. */
    static DepmodCache load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            byte[] data = Files.readAllBytes(file);
            return new DepmodCache(decode(ByteBuffer.wrap(data)));
        } catch (IOException | CacheFormatException e) {
            return empty();  // missing or damaged: every module is read again
        }
    }

    /** The number of modules cached. */
    int size() {
        return entries.size();
    }

    /** The contents cached for {@code path} if the file is unchanged. */
    DepmodModule.Contents lookup(String path, Stamp stamp) {
        Entry e = entries.get(path);
        return e != null && e.stamp().equals(stamp) ? e.contents() : null;
    }

    private static final class CacheFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        CacheFormatException(String what) {
            super(what);
        }
    }

    private static Map<String, Entry> decode(ByteBuffer buf) throws CacheFormatException {
        if (buf.remaining() < 12 || buf.getInt() != MAGIC || buf.getInt() != VERSION) {
            throw new CacheFormatException("bad header");
        }
        int crc = buf.getInt();
        CRC32 check = new CRC32();
        check.update(buf.duplicate());
        if ((int) check.getValue() != crc) {
            throw new CacheFormatException("bad checksum");
        }
        String[] strings = new String[count(buf, 2)];
        for (int i = 0; i < strings.length; i++) {
            int len = Short.toUnsignedInt(need(buf, 2).getShort());
            strings[i] = new String(buf.array(), need(buf, len).position(), len, StandardCharsets.ISO_8859_1);
            buf.position(buf.position() + len);
        }
        int count = count(buf, 40);
        Map<String, Entry> out = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String path = string(buf, strings);
            Stamp stamp = new Stamp(i64(buf), i64(buf), i64(buf), i64(buf));
            int errRef = i32(buf);
            String err = errRef == NONE ? null : stringAt(errRef, strings);
            out.put(path, new Entry(stamp, readContents(buf, strings, err)));
        }
        if (buf.hasRemaining()) {
            throw new CacheFormatException("trailing bytes");
        }
        return out;
    }

    /**
     * A count of entries of at least {@code minBytes} each, refused when the rest of the file
     * could not hold them: a cache with a valid checksum is still not trusted to size arrays.
     */
    private static int count(ByteBuffer buf, int minBytes) throws CacheFormatException {
        int n = i32(buf);
        if (n < 0 || n > buf.remaining() / minBytes) {
            throw new CacheFormatException("impossible count " + n);
        }
        return n;
    }

    private static DepmodModule.Contents readContents(ByteBuffer buf, String[] strings, String error)
            throws CacheFormatException {
        int n = count(buf, 12);
        List<SymbolVersion> provided = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            provided.add(new SymbolVersion(string(buf, strings), i64(buf)));
        }
        List<Import> required = null;
        n = i32(buf);
        if (n != NONE) {
            buf.position(buf.position() - 4);
            n = count(buf, 14);
            required = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = string(buf, strings);
                boolean weak = need(buf, 1).get() != 0;
                boolean hasCrc = need(buf, 1).get() != 0;
                long crc = i64(buf);
                required.add(new Import(name, weak, hasCrc ? OptionalLong.of(crc) : OptionalLong.empty()));
            }
        }
        return new DepmodModule.Contents(List.copyOf(provided), required == null ? null : List.copyOf(required),
                readStrings(buf, strings), readStrings(buf, strings), readStrings(buf, strings), error);
    }

    private static List<String> readStrings(ByteBuffer buf, String[] strings) throws CacheFormatException {
        int n = count(buf, 4);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string(buf, strings));
        }
        return List.copyOf(out);
    }

    /** {@code buf}, after checking it holds {@code bytes} more: a damaged cache is a format error, never a crash. */
    private static ByteBuffer need(ByteBuffer buf, int bytes) throws CacheFormatException {
        if (buf.remaining() < bytes) {
            throw new CacheFormatException("truncated");
        }
        return buf;
    }

    private static int i32(ByteBuffer buf) throws CacheFormatException {
        return need(buf, 4).getInt();
    }

    private static long i64(ByteBuffer buf) throws CacheFormatException {
        return need(buf, 8).getLong();
    }

    private static String string(ByteBuffer buf, String[] strings) throws CacheFormatException {
        return stringAt(i32(buf), strings);
    }

    private static String stringAt(int index, String[] strings) throws CacheFormatException {
        if (index < 0 || index >= strings.length) {
            throw new CacheFormatException("string " + index + " out of range");
        }
        return strings[index];
    }

    /** Writes the cache for {@code modules} into {@code dir}, whole or not at all. */
    static void store(Path dir, List<DepmodModule> modules, Map<String, Stamp> stamps) throws IOException {
        Map<String, Integer> table = new LinkedHashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
        DataOutputStream out = new DataOutputStream(body);
        List<DepmodModule> cached = new ArrayList<>();
        for (DepmodModule m : modules) {
            if (stamps.containsKey(m.path)) {
                cached.add(m);
            }
        }
        out.writeInt(cached.size());
        for (DepmodModule m : cached) {
            writeModule(out, m, stamps.get(m.path), table);
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream(body.size() + (1 << 20));
        DataOutputStream w = new DataOutputStream(whole);
        w.writeInt(table.size());
        for (String s : table.keySet()) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            if (b.length > 0xFFFF) {
                return;  // no module has such names; refuse to cache rather than truncate
            }
            w.writeShort(b.length);
            w.write(b);
        }
        body.writeTo(w);
        byte[] payload = whole.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer header = ByteBuffer.allocate(12).putInt(MAGIC).putInt(VERSION).putInt((int) crc.getValue());
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + "." + ProcessHandle.current().pid());
        try {
            Files.write(tmp, concat(header.array(), payload));
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeModule(DataOutputStream out, DepmodModule m, Stamp stamp, Map<String, Integer> table)
            throws IOException {
        DepmodModule.Contents c = m.contents;
        out.writeInt(ref(table, m.path));
        out.writeLong(stamp.size());
        out.writeLong(stamp.mtimeNanos());
        out.writeLong(stamp.ctimeNanos());
        out.writeLong(stamp.inode());
        out.writeInt(c.error() == null ? NONE : ref(table, c.error()));
        out.writeInt(c.provided().size());
        for (SymbolVersion s : c.provided()) {
            out.writeInt(ref(table, s.name()));
            out.writeLong(s.crc());
        }
        if (c.required() == null) {
            out.writeInt(NONE);
        } else {
            out.writeInt(c.required().size());
            for (Import i : c.required()) {
                out.writeInt(ref(table, i.name()));
                out.writeByte(i.weak() ? 1 : 0);
                out.writeByte(i.crc().isPresent() ? 1 : 0);
                out.writeLong(i.crc().orElse(0));
            }
        }
        for (List<String> values : List.of(c.aliases(), c.softdeps(), c.weakdeps())) {
            out.writeInt(values.size());
            for (String v : values) {
                out.writeInt(ref(table, v));
            }
        }
    }

    private static int ref(Map<String, Integer> table, String s) {
        return table.computeIfAbsent(s, k -> table.size());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
