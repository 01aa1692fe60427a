package org.modstack.depmod;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.modstack.module.Import;
import org.modstack.module.SymbolVersion;

/**
 * What depmod read from each module file, kept beside the indexes so that the next run reads
 * only the files that changed. An entry is reused when the file's path, size, modification
 * time (nanoseconds), change time and inode are all unchanged; or, for a compressed module
 * (read whole anyway), when its bytes are: same length, CRC-32C and CRC-32, so that a module
 * touched or copied again is not decompressed again.
 *
 * <p>The cache is a hint, never trusted: a file whose magic, version, length or checksum is
 * wrong is ignored whole and rebuilt by the run.
 *
 * <p>Its generation names what the entries hold: a run that finds a module's contents changed
 * (or a module it had not cached) writes a new one; a run that only learns new stamps keeps it.
 * {@link PreviousRun} names the generation its indexes were rendered from.
 *
 * <pre>
 * file:    "MSDC" u32 version | u32 crc32 of the rest | body
 * body:    u64 generation
 *          u32 nstrings, u32 x nstrings                     where each string starts in the file
 *          u32 length, {u16 len, bytes} x nstrings          (every string once)
 *          u32 nmodules, module x nmodules
 * module:  str path, u64 size, u64 mtime ns, u64 ctime ns, u64 inode, u64 digest (0: none),
 *          str error (0xFFFFFFFF: none)
 *          u32 length of the contents that follow
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
    /** The format's version; a file of another is ignored. */
    static final int VERSION = 4;
    private static final int NONE = -1;
    /** A stamp's five u64 in the file. */
    private static final int STAMP_SIZE = 40;

    /**
     * An entry: the file's stamp, where the stamp lies in the cache file, the error reading the
     * module (or null), and where its contents start, decoded only when asked for
     * ({@link #contents}): a run that finds nothing to render never decodes them.
     */
    record Entry(ModuleStamp stamp, int stampAt, String error, int contentsAt, int contentsLength) {
    }

    /** The file as read: mapped, not copied (reading 5 MB into the heap took 50 ms of a 500 ms run). */
    private final ByteBuffer file;
    private final long generation;
    private final Map<String, Entry> entries;
    /**
     * Where each string of the table starts, read from the file as needed (indexing 50,000
     * strings at load took 15-20 ms); each is decoded once, when first used.
     */
    private final IntBuffer stringAt;
    private final String[] strings;

    private DepmodCache(ByteBuffer file, long generation, Map<String, Entry> entries, IntBuffer stringAt) {
        this.file = file;
        this.generation = generation;
        this.entries = entries;
        this.stringAt = stringAt;
        this.strings = new String[stringAt.capacity()];
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
        String key = HexFormat.of().toHexDigits(ModuleStamp.digest(dir.toString().getBytes(StandardCharsets.UTF_8)));
        Path name = dir.getFileName();
        return base.resolve("modstack").resolve("depmod").resolve(key + (name == null ? "" : "-" + name));
    }

    /** An empty cache. */
    static DepmodCache empty() {
        return new DepmodCache(ByteBuffer.allocate(0), 0, new HashMap<>(), IntBuffer.allocate(0));
    }

    /** A generation no cache has had yet (0 is the empty cache's). */
    static long newGeneration() {
        long g;
        do {
            g = ThreadLocalRandom.current().nextLong();
        } while (g == 0);
        return g;
    }

    /** The cache in {@code dir}, or an empty one when it is missing or damaged. */
    static DepmodCache load(Path dir) {
        try (FileChannel ch = FileChannel.open(dir.resolve(FILE_NAME))) {
            if (ch.size() > Integer.MAX_VALUE) {
                return empty();
            }
            return decode(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
        } catch (IOException | CacheFormatException e) {
            return empty();  // missing or damaged: every module is read again
        }
    }

    /** The number of modules cached. */
    int size() {
        return entries.size();
    }

    /** What the entries hold; see the class comment. */
    long generation() {
        return generation;
    }

    /** The entry for {@code path} if the file is unchanged. */
    Entry lookup(String path, ModuleStamp stamp) {
        Entry e = entries.get(path);
        return e != null && e.stamp().sameFile(stamp) ? e : null;
    }

    /** The entry for {@code path} whatever its stamp, or null. */
    Entry entry(String path) {
        return entries.get(path);
    }

    /**
     * The contents of one of this cache's entries, or null when they do not decode: the
     * checksum makes that unlikely, and the module is then read from its file.
     */
    DepmodModule.Contents contents(Entry e) {
        ByteBuffer buf = file.slice(e.contentsAt(), e.contentsLength());
        try {
            DepmodModule.Contents c = readContents(buf, e.error());
            return buf.hasRemaining() ? null : c;
        } catch (CacheFormatException damaged) {
            return null;
        }
    }

    private static final class CacheFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        CacheFormatException(String what) {
            super(what);
        }
    }

    /** Checks the file's checksum and indexes its entries, decoding only paths and stamps. */
    private static DepmodCache decode(ByteBuffer file) throws CacheFormatException {
        ByteBuffer buf = CheckedFile.body(file, MAGIC, VERSION)
                .orElseThrow(() -> new CacheFormatException("bad header or checksum"));
        long generation = i64(buf);
        int nstrings = count(buf, 6);  // an offset and a length at least
        IntBuffer stringAt = buf.slice(buf.position(), 4 * nstrings).asIntBuffer();
        buf.position(buf.position() + 4 * nstrings);
        int stringBytes = count(buf, 1);  // the strings, each checked when first used
        buf.position(buf.position() + stringBytes);
        DepmodCache cache = new DepmodCache(file, generation, new HashMap<>(), stringAt);
        int count = count(buf, 4 + STAMP_SIZE + 8);  // path, stamp, error, length
        for (int i = 0; i < count; i++) {
            String path = cache.string(buf);
            int stampAt = buf.position();
            ModuleStamp stamp = new ModuleStamp(i64(buf), i64(buf), i64(buf), i64(buf), i64(buf));
            int errRef = i32(buf);
            String err = errRef == NONE ? null : cache.stringAt(errRef);
            int length = count(buf, 1);
            cache.entries.put(path, new Entry(stamp, stampAt, err, buf.position(), length));
            buf.position(buf.position() + length);
        }
        if (buf.hasRemaining()) {
            throw new CacheFormatException("trailing bytes");
        }
        return cache;
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

    private DepmodModule.Contents readContents(ByteBuffer buf, String error) throws CacheFormatException {
        int n = count(buf, 12);
        List<SymbolVersion> provided = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            provided.add(new SymbolVersion(string(buf), i64(buf)));
        }
        List<Import> required = null;
        n = i32(buf);
        if (n != NONE) {
            buf.position(buf.position() - 4);
            n = count(buf, 14);
            required = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = string(buf);
                boolean weak = need(buf, 1).get() != 0;
                boolean hasCrc = need(buf, 1).get() != 0;
                long crc = i64(buf);
                required.add(new Import(name, weak, hasCrc ? OptionalLong.of(crc) : OptionalLong.empty()));
            }
        }
        return new DepmodModule.Contents(List.copyOf(provided), required == null ? null : List.copyOf(required),
                readStrings(buf), readStrings(buf), readStrings(buf), error);
    }

    private List<String> readStrings(ByteBuffer buf) throws CacheFormatException {
        int n = count(buf, 4);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string(buf));
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

    private String string(ByteBuffer buf) throws CacheFormatException {
        return stringAt(i32(buf));
    }

    /**
     * The string at {@code index} of the table, decoded on first use. Threads decoding entries
     * at once may each decode it; any of the equal strings may stay.
     */
    private String stringAt(int index) throws CacheFormatException {
        if (index < 0 || index >= strings.length) {
            throw new CacheFormatException("string " + index + " out of range");
        }
        String s = strings[index];
        if (s == null) {
            int at = stringAt.get(index);
            if (at < CheckedFile.HEADER_SIZE || at > file.capacity() - 2
                    || Short.toUnsignedInt(file.getShort(at)) > file.capacity() - at - 2) {
                throw new CacheFormatException("string " + index + " out of the file");
            }
            byte[] bytes = new byte[Short.toUnsignedInt(file.getShort(at))];
            file.get(at + 2, bytes);
            s = new String(bytes, StandardCharsets.ISO_8859_1);
            strings[index] = s;
        }
        return s;
    }

    /** Writes the cache for {@code modules} into {@code dir}, whole or not at all. */
    static void store(Path dir, long generation, List<DepmodModule> modules, Map<String, ModuleStamp> stamps)
            throws IOException {
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
        ByteArrayOutputStream contents = new ByteArrayOutputStream(1 << 12);
        for (DepmodModule m : cached) {
            writeModule(out, m, stamps.get(m.path), table, contents);
        }
        ByteArrayOutputStream strings = new ByteArrayOutputStream(1 << 20);
        DataOutputStream st = new DataOutputStream(strings);
        ByteArrayOutputStream whole = new ByteArrayOutputStream(body.size() + (2 << 20));
        DataOutputStream w = new DataOutputStream(whole);
        w.writeLong(generation);
        w.writeInt(table.size());
        int at = CheckedFile.HEADER_SIZE + 8 + 4 + 4 * table.size() + 4;
        for (String s : table.keySet()) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            if (b.length > 0xFFFF) {
                return;  // no module has such names; refuse to cache rather than truncate
            }
            w.writeInt(at + strings.size());
            st.writeShort(b.length);
            st.write(b);
        }
        w.writeInt(strings.size());
        strings.writeTo(w);
        body.writeTo(w);
        CheckedFile.write(dir, FILE_NAME, MAGIC, VERSION, List.of(ByteBuffer.wrap(whole.toByteArray())));
    }

    /** Whether this cache holds an entry for each of {@code paths} and for nothing else. */
    boolean holdsExactly(Set<String> paths) {
        return entries.keySet().equals(paths);
    }

    /**
     * Writes this cache into {@code dir} again with the {@code stamps} of its paths, for a run
     * that found every module's contents as cached: the file as read, in pieces between the
     * stamps that changed, copied by the kernel from the mapping, nothing encoded again.
     */
    void restamp(Path dir, Map<String, ModuleStamp> stamps) throws IOException {
        List<Map.Entry<String, Entry>> changed = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (!stamps.get(e.getKey()).equals(e.getValue().stamp())) {
                changed.add(e);
            }
        }
        changed.sort((a, b) -> Integer.compare(a.getValue().stampAt(), b.getValue().stampAt()));
        List<ByteBuffer> body = new ArrayList<>();
        int from = CheckedFile.HEADER_SIZE;
        for (Map.Entry<String, Entry> e : changed) {
            int at = e.getValue().stampAt();
            ModuleStamp s = stamps.get(e.getKey());
            body.add(file.slice(from, at - from));
            body.add(ByteBuffer.allocate(STAMP_SIZE).putLong(s.size()).putLong(s.mtimeNanos())
                    .putLong(s.ctimeNanos()).putLong(s.inode()).putLong(s.digest()).flip());
            from = at + STAMP_SIZE;
        }
        body.add(file.slice(from, file.capacity() - from));
        CheckedFile.write(dir, FILE_NAME, MAGIC, VERSION, body);
    }

    /** Writes one module; {@code scratch} holds its contents meanwhile, written after their length. */
    private static void writeModule(DataOutputStream out, DepmodModule m, ModuleStamp stamp, Map<String, Integer> table,
                                    ByteArrayOutputStream scratch) throws IOException {
        DepmodModule.Contents c = m.contents;
        out.writeInt(ref(table, m.path));
        out.writeLong(stamp.size());
        out.writeLong(stamp.mtimeNanos());
        out.writeLong(stamp.ctimeNanos());
        out.writeLong(stamp.inode());
        out.writeLong(stamp.digest());
        out.writeInt(c.error() == null ? NONE : ref(table, c.error()));
        scratch.reset();
        writeContents(new DataOutputStream(scratch), c, table);
        out.writeInt(scratch.size());
        scratch.writeTo(out);
    }

    private static void writeContents(DataOutputStream out, DepmodModule.Contents c, Map<String, Integer> table)
            throws IOException {
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
}
