package org.modstack.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.modstack.Fixtures;
import org.modstack.index.IndexWriter.Layout;

/**
 * The writer against indexes real depmod wrote (kmod 30 and kmod 34, committed under
 * {@code index/small} and {@code index/edge}), and through the reader. How the fixtures were
 * made: {@code index/small/README.md}.
 */
class IndexWriterTest {

    @Test
    void emptyIndexIsTheHeaderWithAnEmptyRootAtTwelve() {
        byte[] header = {(byte) 0xB0, 0x07, (byte) 0xF4, 0x57, 0, 2, 0, 1, 0, 0, 0, 0x0c};
        for (Layout layout : Layout.values()) {
            assertThat(new IndexWriter().toBytes(layout)).as(layout.name()).containsExactly(header);
        }
    }

    @Test
    void smallTreeIsByteIdenticalToKmod30AndKmod34() throws Exception {
        Path small = Fixtures.resource("index/small");
        Map<String, IndexWriter> rebuilt = DepmodText.rebuild(small);
        assertThat(rebuilt.keySet()).containsExactly(DepmodText.INDEXES);
        for (Map.Entry<String, IndexWriter> e : rebuilt.entrySet()) {
            assertSameBytes(e.getValue().toBytes(Layout.POST_ORDER),
                    Files.readAllBytes(small.resolve("kmod30").resolve(e.getKey())), "kmod30/" + e.getKey());
            assertSameBytes(e.getValue().toBytes(Layout.PRE_ORDER),
                    Files.readAllBytes(small.resolve("kmod34").resolve(e.getKey())), "kmod34/" + e.getKey());
        }
    }

    @Test
    void latin1ValueIsWrittenVerbatimPostOrderAndRefusedPreOrder() throws Exception {
        Path edge = Fixtures.resource("index/edge");
        Map<String, IndexWriter> rebuilt = DepmodText.rebuild(edge);
        // kmod 30 writes the value "mod\xe9"; kmod 34 stops at it (FATAL: bad character) and
        // leaves modules.builtin.alias.bin unwritten, after writing the empty modules.builtin.bin.
        IndexWriter alias = rebuilt.get("modules.builtin.alias.bin");
        assertSameBytes(alias.toBytes(Layout.POST_ORDER),
                Files.readAllBytes(edge.resolve("kmod30/modules.builtin.alias.bin")), "kmod30 alias");
        assertThatThrownBy(() -> alias.toBytes(Layout.PRE_ORDER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mod\u00e9");
        IndexWriter builtin = rebuilt.get("modules.builtin.bin");
        assertSameBytes(builtin.toBytes(Layout.POST_ORDER),
                Files.readAllBytes(edge.resolve("kmod30/modules.builtin.bin")), "kmod30 builtin");
        assertSameBytes(builtin.toBytes(Layout.PRE_ORDER),
                Files.readAllBytes(edge.resolve("kmod34/modules.builtin.bin")), "kmod34 builtin");
        assertThat(IndexFile.read(ByteBuffer.wrap(alias.toBytes(Layout.POST_ORDER))).search("foo"))
                .contains("mod\u00e9");
    }

    @Test
    void equalPriorityValuesAreStoredNewestFirst() throws Exception {
        IndexWriter w = new IndexWriter();
        w.add("crc32c", "first", 0);
        w.add("crc32c", "second", 0);
        w.add("crc32c", "late-but-low", 0xFFFF_FFFFL); // unsigned: the highest priority there is
        w.add("crc32c", "third", 0);
        w.add("crc32c", "one", 1);
        List<IndexValue> stored = List.of(new IndexValue(0, "third"), new IndexValue(0, "second"),
                new IndexValue(0, "first"), new IndexValue(1, "one"), new IndexValue(0xFFFF_FFFFL, "late-but-low"));
        for (Layout layout : Layout.values()) {
            byte[] bytes = w.toBytes(layout);
            assertThat(storedValues(bytes, "crc32c")).as(layout.name()).isEqualTo(stored);
            IndexFile f = IndexFile.read(ByteBuffer.wrap(bytes));
            assertThat(f.search("crc32c")).contains("third");
            assertThat(f.searchWild("crc32c")).isEqualTo(asLibkmodMmapReadsThem(stored));
        }
    }

    @Test
    void addReportsDuplicateValuesAndKeepsThem() throws Exception {
        IndexWriter w = new IndexWriter();
        assertThat(w.add("k", "v", 1)).isFalse();
        assertThat(w.add("k", "w", 1)).isFalse();
        assertThat(w.add("k", "v", 2)).isTrue();
        assertThat(w.add("kk", "v", 2)).isFalse();
        assertThat(w.size()).isEqualTo(4);
        assertThat(storedValues(w.toBytes(Layout.PRE_ORDER), "k")).extracting(IndexValue::value)
                .containsExactly("w", "v", "v");
    }

    @Test
    void layoutsDifferOnlyInNodeOrder() {
        IndexWriter w = new IndexWriter();
        w.add("ab", "1", 0);
        w.add("ac", "2", 0);
        // root [a..a] -> node "" [b..c] (split off when "ac" parted from "ab") -> two leaves
        byte[] pre = w.toBytes(Layout.PRE_ORDER);
        byte[] post = w.toBytes(Layout.POST_ORDER);
        assertThat(pre).hasSameSizeAs(post);
        assertThat(ByteBuffer.wrap(pre).getInt(8)).isEqualTo(IndexFormat.FLAG_CHILDS | 12);
        // post-order: the root is the last node, 2 + 4 bytes for its one-child table
        assertThat(ByteBuffer.wrap(post).getInt(8)).isEqualTo(IndexFormat.FLAG_CHILDS | (post.length - 6));
        assertThat(Layout.ofKmod(30)).isEqualTo(Layout.POST_ORDER);
        assertThat(Layout.ofKmod(33)).isEqualTo(Layout.POST_ORDER);
        assertThat(Layout.ofKmod(34)).isEqualTo(Layout.PRE_ORDER);
    }

    @Test
    void randomKeysRoundTripThroughTheReader() throws Exception {
        Random random = new Random(20240534);
        for (int round = 0; round < 50; round++) {
            IndexWriter w = new IndexWriter();
            Map<String, List<IndexValue>> model = new HashMap<>();
            int n = random.nextInt(200);
            for (int i = 0; i < n; i++) {
                String key = randomString(random, "ab_:-x", 6);
                IndexValue v = new IndexValue(random.nextInt(4), randomString(random, "vw ./", 5));
                w.add(key, v.value(), v.priority());
                // the model's rule: before the first value of equal or higher priority
                List<IndexValue> vs = model.computeIfAbsent(key, k -> new ArrayList<>());
                int at = 0;
                while (at < vs.size() && vs.get(at).priority() < v.priority()) {
                    at++;
                }
                vs.add(at, v);
            }
            for (Layout layout : Layout.values()) {
                IndexFile f = IndexFile.read(ByteBuffer.wrap(w.toBytes(layout)));
                for (Map.Entry<String, List<IndexValue>> e : model.entrySet()) {
                    assertThat(f.search(e.getKey())).as(e.getKey()).contains(e.getValue().get(0).value());
                    assertThat(storedValues(w.toBytes(layout), e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                    assertThat(f.searchWild(e.getKey())).as(e.getKey())
                            .isEqualTo(asLibkmodMmapReadsThem(e.getValue()));
                }
                for (int i = 0; i < 50; i++) {
                    String other = randomString(random, "ab_:-xy", 7);
                    if (!model.containsKey(other)) {
                        assertThat(f.search(other)).as(other).isEmpty();
                        assertThat(f.searchWild(other)).as(other).isEmpty();
                    }
                }
            }
        }
    }

    @Test
    void wildcardKeysMatchThroughTheReader() throws Exception {
        IndexWriter w = new IndexWriter();
        w.add("pci:v00001234d*sv*", "broad", 2);
        w.add("pci:v0000*", "vendor_any", 1);
        w.add("pci:v00001234d00005678sv0", "exact", 3);
        w.add("pci:v00009999d*", "other", 0);
        w.add("usb:v[0-9]*", "usb", 0);
        for (Layout layout : Layout.values()) {
            IndexFile f = IndexFile.read(ByteBuffer.wrap(w.toBytes(layout)));
            assertThat(f.searchWild("pci:v00001234d00005678sv0")).extracting(IndexValue::value)
                    .containsExactly("vendor_any", "broad", "exact");
            assertThat(f.searchWild("usb:v7abc")).extracting(IndexValue::value).containsExactly("usb");
            assertThat(f.search("pci:v0000*")).contains("vendor_any");
        }
    }

    @Test
    void rejectsWhatDepmodCannotIndex() {
        IndexWriter w = new IndexWriter();
        assertThatThrownBy(() -> w.add("caf\u00e9", "v", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0xe9");
        assertThatThrownBy(() -> w.add("a\0b", "v", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.add("k", "\u20ac", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.add("k", "a\ud83d\ude00b", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.add("k\ud83d\ude00", "v", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.add("k", "v", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.add("k", "v", 0x1_0000_0000L)).isInstanceOf(IllegalArgumentException.class);
        assertThat(w.size()).isZero();
        assertThat(w.toBytes(Layout.PRE_ORDER)).hasSize(12);
        assertThat(IndexWriter.firstNonAscii("ab\u00e9c")).isEqualTo(2);
        assertThat(IndexWriter.firstNonAscii("abc")).isEqualTo(-1);
    }

    @Test
    void writeStreamsTheSameBytes() throws IOException {
        IndexWriter w = new IndexWriter();
        w.add("key", "value", 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out, Layout.POST_ORDER);
        assertThat(out.toByteArray()).isEqualTo(w.toBytes(Layout.POST_ORDER));
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int len = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * The values stored under exactly {@code key}, in file order, found by walking the nodes
     * here rather than through {@link IndexFile}, whose searchWild re-sorts them.
     */
    static List<IndexValue> storedValues(byte[] index, String key) {
        ByteBuffer b = ByteBuffer.wrap(index);
        int ref = b.getInt(8);
        int i = 0;
        while (ref != 0) {
            int at = ref & IndexFormat.OFFSET_MASK;
            if ((ref & IndexFormat.FLAG_PREFIX) != 0) {
                while (index[at] != 0) {
                    if (i >= key.length() || index[at++] != key.charAt(i++)) {
                        return List.of();
                    }
                }
                at++;
            }
            int first = 128;
            int last = -1;
            int table = 0;
            if ((ref & IndexFormat.FLAG_CHILDS) != 0) {
                first = index[at] & 0xff;
                last = index[at + 1] & 0xff;
                table = at + 2;
                at = table + 4 * (last - first + 1);
            }
            if (i == key.length()) {
                List<IndexValue> out = new ArrayList<>();
                if ((ref & IndexFormat.FLAG_VALUES) != 0) {
                    int count = b.getInt(at);
                    at += 4;
                    for (int k = 0; k < count; k++) {
                        long priority = Integer.toUnsignedLong(b.getInt(at));
                        int end = at + 4;
                        while (index[end] != 0) {
                            end++;
                        }
                        out.add(new IndexValue(priority, new String(index, at + 4, end - at - 4, StandardCharsets.ISO_8859_1)));
                        at = end + 1;
                    }
                }
                return out;
            }
            char ch = key.charAt(i++);
            ref = ch < first || ch > last ? 0 : b.getInt(table + 4 * (ch - first));
        }
        return List.of();
    }

    /**
     * A node's values as libkmod's mmap reader (and {@link IndexFile#searchWild}) returns them:
     * each inserted before those of equal or higher priority, so equal priorities come out
     * reversed. (libkmod's stdio reader inserts them that way twice, which restores file order.)
     */
    static List<IndexValue> asLibkmodMmapReadsThem(List<IndexValue> stored) {
        List<IndexValue> out = new ArrayList<>();
        for (IndexValue v : stored) {
            int at = 0;
            while (at < out.size() && out.get(at).priority() < v.priority()) {
                at++;
            }
            out.add(at, v);
        }
        return out;
    }

    /** Fails with the first differing offset rather than two dumps of the whole file. */
    static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        int n = Math.min(actual.length, expected.length);
        for (int i = 0; i < n; i++) {
            if (actual[i] != expected[i]) {
                fail(String.format("%s: first difference at offset %d (0x%x): ours %s, depmod's %s", what, i, i,
                        hex(actual, i), hex(expected, i)));
            }
        }
        if (actual.length != expected.length) {
            fail(String.format("%s: ours is %d bytes, depmod's %d", what, actual.length, expected.length));
        }
    }

    private static String hex(byte[] b, int at) {
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, at - 4); i < Math.min(b.length, at + 12); i++) {
            sb.append(i == at ? "[" : "").append(String.format("%02x", b[i])).append(i == at ? "] " : " ");
        }
        return sb.toString().strip();
    }

    /**
     * The indexes depmod derives, rebuilt from the text files it wrote next to them, with the
     * keys, values and priorities of depmod.c's {@code output_*_bin}: a module's priority is its
     * position in modules.dep (depmod's module index), and each builtin index uses priority 0.
     */
    static final class DepmodText {
        static final String[] INDEXES = {"modules.dep.bin", "modules.alias.bin", "modules.symbols.bin",
            "modules.builtin.bin", "modules.builtin.alias.bin"};

        private DepmodText() {
        }

        /**
         * Each index whose inputs are in {@code dir}, in depmod's order. The module indexes
         * need modules.dep, modules.alias and modules.symbols. The builtin indexes
         * come from the kernel's modules.builtin and modules.builtin.modinfo; without them depmod
         * writes nothing (a 0-byte file), so they are left out.
         */
        static Map<String, IndexWriter> rebuild(Path dir) throws IOException {
            return rebuild(dir, dir);
        }

        /** As {@link #rebuild(Path)}, for depmod -o: its text files in {@code dir}, the kernel's in {@code inputs}. */
        static Map<String, IndexWriter> rebuild(Path dir, Path inputs) throws IOException {
            Map<String, IndexWriter> out = new LinkedHashMap<>();
            Map<String, Integer> moduleIndex = new HashMap<>();
            if (Files.exists(dir.resolve("modules.dep"))) {
                out.put("modules.dep.bin", dep(text(dir.resolve("modules.dep")), moduleIndex));
                out.put("modules.alias.bin", aliases(text(dir.resolve("modules.alias")), moduleIndex, false));
                out.put("modules.symbols.bin", aliases(text(dir.resolve("modules.symbols")), moduleIndex, true));
            }
            if (Files.exists(inputs.resolve("modules.builtin"))) {
                out.put("modules.builtin.bin", builtin(text(inputs.resolve("modules.builtin"))));
            }
            if (Files.exists(inputs.resolve("modules.builtin.modinfo"))) {
                out.put("modules.builtin.alias.bin",
                        builtinAliases(Files.readAllBytes(inputs.resolve("modules.builtin.modinfo"))));
            }
            return out;
        }

        static String text(Path p) throws IOException {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        }

        /** Key: module name; value: its modules.dep line; priority: the line's index. */
        static IndexWriter dep(String modulesDep, Map<String, Integer> moduleIndex) {
            IndexWriter w = new IndexWriter();
            int i = 0;
            for (String line : lines(modulesDep)) {
                String name = modname(line.substring(0, line.indexOf(':')));
                moduleIndex.put(name, i);
                w.add(name, line, i);
                i++;
            }
            return w;
        }

        /**
         * {@code alias <alias> <module>} lines of modules.alias (key: the alias normalized,
         * skipped on an unmatched bracket) or of modules.symbols (key: {@code symbol:<sym>}),
         * value: the module, priority: the module's index.
         */
        static IndexWriter aliases(String text, Map<String, Integer> moduleIndex, boolean symbols) {
            IndexWriter w = new IndexWriter();
            for (String line : lines(text)) {
                if (line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                String alias = line.substring("alias ".length(), space);
                String module = line.substring(space + 1);
                String key = symbols ? alias : normalizeAlias(alias);
                if (key != null) {
                    w.add(key, module, moduleIndex.get(module));
                }
            }
            return w;
        }

        /** Key: the module name of each line that starts with a letter; value empty. */
        static IndexWriter builtin(String modulesBuiltin) {
            IndexWriter w = new IndexWriter();
            // fgets keeps the newline; a line without '.' would keep it in the name
            int start = 0;
            while (start < modulesBuiltin.length()) {
                int nl = modulesBuiltin.indexOf('\n', start);
                int end = nl < 0 ? modulesBuiltin.length() : nl + 1;
                String line = modulesBuiltin.substring(start, end);
                start = end;
                char c = line.charAt(0);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                    w.add(modname(line), "", 0);
                }
            }
            return w;
        }

        /**
         * {@code modname.alias=value\0} records of modules.builtin.modinfo, read as depmod's
         * stream parser does; key: the alias normalized, value: the module.
         */
        static IndexWriter builtinAliases(byte[] modinfo) {
            IndexWriter w = new IndexWriter();
            int[] at = {0};
            while (at[0] < modinfo.length) {
                String module = readTo(modinfo, at, '.');
                if (module == null || module.isEmpty()) {
                    continue;
                }
                String key = readTo(modinfo, at, '=');
                if (!"alias".equals(key)) {
                    while (at[0] < modinfo.length && modinfo[at[0]++] != 0) {
                        // skip to the record's end
                    }
                    continue;
                }
                String value = readTo(modinfo, at, '\0');
                if (value == null || value.isEmpty()) {
                    continue;
                }
                String alias = normalizeAlias(value);
                if (alias != null) {
                    w.add(alias, module, 0);
                }
            }
            return w;
        }

        /** Reads up to {@code end}, stopping also at NUL: the text, or null when not at {@code end}. */
        private static String readTo(byte[] b, int[] at, char end) {
            int from = at[0];
            int i = from;
            while (i < b.length && b[i] != end && b[i] != 0) {
                i++;
            }
            at[0] = Math.min(i + 1, b.length);
            return i < b.length && b[i] == end ? new String(b, from, i - from, StandardCharsets.ISO_8859_1) : null;
        }

        /** '-' becomes '_' outside brackets; null for an unmatched bracket. */
        static String normalizeAlias(String alias) {
            StringBuilder sb = new StringBuilder(alias.length());
            for (int i = 0; i < alias.length(); i++) {
                char c = alias.charAt(i);
                if (c == ']') {
                    return null;
                }
                if (c == '[') {
                    int close = alias.indexOf(']', i);
                    if (close < 0) {
                        return null;
                    }
                    sb.append(alias, i, close + 1);
                    i = close;
                } else {
                    sb.append(c == '-' ? '_' : c);
                }
            }
            return sb.toString();
        }

        /** Base name cut at the first '.', '-' turned to '_'. */
        static String modname(String path) {
            String base = path.substring(path.lastIndexOf('/') + 1);
            int dot = base.indexOf('.');
            return (dot < 0 ? base : base.substring(0, dot)).replace('-', '_');
        }

        private static List<String> lines(String text) {
            List<String> out = new ArrayList<>();
            int start = 0;
            while (start < text.length()) {
                int nl = text.indexOf('\n', start);
                int end = nl < 0 ? text.length() : nl;
                out.add(text.substring(start, end));
                start = end + 1;
            }
            return out;
        }
    }
}
