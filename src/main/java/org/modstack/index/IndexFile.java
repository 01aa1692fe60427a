package org.modstack.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.modstack.ErrnoException;
import org.modstack.util.CString;
import org.modstack.util.FileBytes;
import org.modstack.util.Fnmatch;

/**
 * A kmod binary index ({@code modules.dep.bin}, {@code modules.alias.bin}, ...) read in place
 * from a memory-mapped file: a lookup touches only the nodes on its path. Both node layouts
 * (kmod 30's post-order and kmod 34's pre-order) read the same way. Layout in {@link IndexFormat}.
 */
public final class IndexFile {
    /**
     * libkmod's two index readers, which order values of equal priority differently: the
     * stream reader (used by modinfo and other one-off lookups) re-sorts a node's values as it
     * reads them, reversing ties, and so returns ties in file order once more; the mapped reader
     * (used by modprobe, which maps every index up front) returns them reversed.
     */
    public enum Reader { STREAM, MAPPED }

    private final ByteBuffer data;
    private final int root;
    private final Reader reader;

    private IndexFile(ByteBuffer data, int root, Reader reader) {
        this.data = data;
        this.root = root;
        this.reader = reader;
    }

    /** Reads (a large one: maps) and checks the index at {@code path}, to be read as kmod's mapped reader does. */
    public static IndexFile open(Path path) throws ErrnoException {
        return open(path, Reader.MAPPED);
    }

    /** Reads (a large one: maps) and checks the index at {@code path}, to be read as {@code reader} does. */
    public static IndexFile open(Path path, Reader reader) throws ErrnoException {
        try {
            return read(FileBytes.readOrMap(path), reader);
        } catch (IndexFormatException e) {
            throw new IndexFormatException(path + ": " + e.getMessage());
        } catch (IOException e) {
            throw ErrnoException.of(e, path.toString());
        }
    }

    /** Checks the header of an index held in {@code buffer}, read as kmod's mapped reader does. */
    public static IndexFile read(ByteBuffer buffer) throws IndexFormatException {
        return read(buffer, Reader.MAPPED);
    }

    /** Checks the header of an index held in {@code buffer}. */
    public static IndexFile read(ByteBuffer buffer, Reader reader) throws IndexFormatException {
        ByteBuffer data = buffer.slice().order(ByteOrder.BIG_ENDIAN);
        if (data.capacity() < IndexFormat.HEADER_SIZE || data.getInt(0) != IndexFormat.MAGIC) {
            throw new IndexFormatException("not a kmod index (bad magic)");
        }
        if (data.getInt(4) >>> 16 != IndexFormat.VERSION_MAJOR) {
            throw new IndexFormatException("unsupported index version 0x" + Integer.toHexString(data.getInt(4)));
        }
        return new IndexFile(data, data.getInt(8), reader);
    }

    /**
     * A node, decoded: where its prefix lies (empty: {@code prefixAt == prefixEnd}), its child
     * range and where its values start. The prefix stays bytes until a walk needs its text: a
     * lookup compares it in place.
     */
    private record Node(int prefixAt, int prefixEnd, int first, int last, int childTable, int valuesAt) {
        boolean hasValues() {
            return valuesAt >= 0;
        }
    }

    private Node node(int ref) throws IndexFormatException {
        int at = ref & IndexFormat.OFFSET_MASK;
        int prefixAt = at;
        int prefixEnd = at;
        if ((ref & IndexFormat.FLAG_PREFIX) != 0) {
            prefixEnd = at < data.capacity() ? CString.terminator(data, at, data.capacity()) : data.capacity();
            if (prefixEnd == data.capacity()) {
                throw outOfBounds();
            }
            at = prefixEnd + 1;
        }
        int first = 128;
        int last = 0;
        int childTable = -1;
        if ((ref & IndexFormat.FLAG_CHILDS) != 0) {
            first = byte8(at);
            last = byte8(at + 1);
            childTable = at + 2;
            at = childTable + 4 * Math.max(0, last - first + 1);
        }
        return new Node(prefixAt, prefixEnd, first, last, childTable, (ref & IndexFormat.FLAG_VALUES) != 0 ? at : -1);
    }

    private String prefix(Node n) {
        return CString.text(data, n.prefixAt, n.prefixEnd);
    }

    /** Whether {@code key} holds the node's prefix at {@code i}, compared byte for char (ISO-8859-1). */
    private boolean prefixAt(Node n, String key, int i) {
        int length = n.prefixEnd - n.prefixAt;
        if (i + length > key.length()) {
            return false;
        }
        for (int j = 0; j < length; j++) {
            if (key.charAt(i + j) != Byte.toUnsignedInt(data.get(n.prefixAt + j))) {
                return false;
            }
        }
        return true;
    }

    private int child(Node n, int ch) throws IndexFormatException {
        if (n.childTable < 0 || ch < n.first || ch > n.last) {
            return 0;
        }
        return int32(n.childTable + 4 * (ch - n.first));
    }

    private List<IndexValue> values(Node n) throws IndexFormatException {
        List<IndexValue> out = new ArrayList<>();
        int count = n.hasValues() ? int32(n.valuesAt) : 0;
        int at = n.valuesAt + 4;
        for (int i = 0; i < count; i++) {
            int end = valueEnd(at);
            IndexValue v = new IndexValue(Integer.toUnsignedLong(int32(at)), CString.text(data, at + 4, end));
            if (reader == Reader.STREAM) {
                insert(out, v);
            } else {
                out.add(v);
            }
            at = end + 1;
        }
        return out;
    }

    /**
     * What {@code values(n).get(0)} would be, every value checked as it reads them but only that
     * one decoded: the first in the file for the mapped reader; for the stream reader the lowest
     * priority, the last of equal ones (its sorted insertion puts a later tie first).
     */
    private Optional<String> firstValue(Node n) throws IndexFormatException {
        int count = n.hasValues() ? int32(n.valuesAt) : 0;
        int at = n.valuesAt + 4;
        int chosen = -1;
        int chosenEnd = -1;
        long lowest = 0;
        for (int i = 0; i < count; i++) {
            int end = valueEnd(at);
            long priority = Integer.toUnsignedLong(int32(at));
            if (chosen < 0 || (reader == Reader.STREAM && priority <= lowest)) {
                chosen = at + 4;
                chosenEnd = end;
                lowest = priority;
            }
            at = end + 1;
        }
        return chosen < 0 ? Optional.empty() : Optional.of(CString.text(data, chosen, chosenEnd));
    }

    /** The NUL ending the value at {@code at} (its priority, then its text), inside the index. */
    private int valueEnd(int at) throws IndexFormatException {
        int32(at);
        int end = CString.terminator(data, at + 4, data.capacity());  // int32 checked at + 4 <= capacity
        if (end == data.capacity()) {
            throw outOfBounds();
        }
        return end;
    }

    /** A big-endian 32-bit word, inside the index or a format error. */
    private int int32(int at) throws IndexFormatException {
        if (at < 0 || at > data.capacity() - 4) {
            throw outOfBounds();
        }
        return data.getInt(at);
    }

    private int byte8(int at) throws IndexFormatException {
        if (at < 0 || at >= data.capacity()) {
            throw outOfBounds();
        }
        return Byte.toUnsignedInt(data.get(at));
    }

    private static IndexFormatException outOfBounds() {
        return new IndexFormatException("index node out of bounds");
    }

    /**
     * The first value stored under exactly {@code key}, as kmod's {@code index_search}: the
     * lowest priority; of equal ones the first in the file for the mapped reader, the last for
     * the stream reader.
     */
    public Optional<String> search(String key) throws IndexFormatException {
        int ref = root;
        int i = 0;
        while (ref != 0) {
            Node n = node(ref);
            if (!prefixAt(n, key, i)) {
                return Optional.empty();
            }
            i += n.prefixEnd - n.prefixAt;
            if (i == key.length()) {
                return firstValue(n);
            }
            ref = child(n, key.charAt(i));
            i++;
        }
        return Optional.empty();
    }

    /**
     * Every value whose stored key matches {@code key}, the stored keys being read as fnmatch
     * patterns, as kmod's {@code index_searchwild}: ordered by ascending priority, a later
     * match before an earlier one of equal priority.
     */
    public List<IndexValue> searchWild(String key) throws IndexFormatException {
        List<IndexValue> out = new ArrayList<>();
        descend(root, key, Fnmatch.Reach.start(key), out);
        return out;
    }

    /** Walks literal characters until a wildcard in a stored key, then matches subtrees. */
    private void descend(int ref, String key, Fnmatch.Reach whole, List<IndexValue> out) throws IndexFormatException {
        int i = 0;
        while (ref != 0) {
            Node n = node(ref);
            String prefix = prefix(n);
            for (int j = 0; j < prefix.length(); j++) {
                char ch = prefix.charAt(j);
                if (ch == '*' || ch == '?' || ch == '[') {
                    matchAll(n, j, new StringBuilder(), whole.from(i + j), out);
                    return;
                }
                if (i + j >= key.length() || ch != key.charAt(i + j)) {
                    return;
                }
            }
            i += prefix.length();
            for (char wild : new char[] {'*', '?', '['}) {
                int c = child(n, wild);
                if (c != 0) {
                    String w = String.valueOf(wild);
                    matchAll(node(c), 0, new StringBuilder(w), whole.from(i).then(w, 0, 1), out);
                }
            }
            if (i == key.length()) {
                for (IndexValue v : values(n)) {
                    insert(out, v);
                }
                return;
            }
            ref = child(n, key.charAt(i));
            i++;
        }
    }

    /**
     * Collects the values of every key below {@code n} whose pattern matches {@code subkey},
     * {@code reach} telling how far the pattern so far ({@code pattern}) matches it: a subtree
     * whose patterns can match no more is skipped.
     */
    private void matchAll(Node n, int j, StringBuilder pattern, Fnmatch.Reach reach, List<IndexValue> out)
            throws IndexFormatException {
        String prefix = prefix(n);
        Fnmatch.Reach here = reach.then(prefix, j, prefix.length());
        if (here.impossible()) {
            return;
        }
        int mark = pattern.length();
        pattern.append(prefix, j, prefix.length());
        for (int ch = n.first; ch <= n.last; ch++) {
            int c = child(n, ch);
            if (c != 0) {
                pattern.append((char) ch);
                Fnmatch.Reach next = here.then(pattern, pattern.length() - 1, pattern.length());
                if (!next.impossible()) {  // a dead child is not even read
                    matchAll(node(c), 0, pattern, next, out);
                }
                pattern.setLength(pattern.length() - 1);
            }
        }
        if (n.hasValues() && here.matchesAll(pattern)) {
            for (IndexValue v : values(n)) {
                insert(out, v);
            }
        }
        pattern.setLength(mark);
    }

    /**
     * Every (key, value) of the index, as {@code modprobe -c} dumps it: a node's values (in
     * this reader's order) before its children, children by ascending character.
     */
    public void forEach(BiConsumer<String, String> action) throws IndexFormatException {
        walk(root, new StringBuilder(), action);
    }

    private void walk(int ref, StringBuilder key, BiConsumer<String, String> action) throws IndexFormatException {
        Node n = node(ref);
        int mark = key.length();
        key.append(prefix(n));
        for (IndexValue v : values(n)) {
            action.accept(key.toString(), v.value());
        }
        for (int ch = n.first; ch <= n.last; ch++) {
            int c = child(n, ch);
            if (c != 0) {
                key.append((char) ch);
                walk(c, key, action);
                key.setLength(key.length() - 1);
            }
        }
        key.setLength(mark);
    }

    /** kmod's add_value: before the first value of equal or higher priority. */
    private static void insert(List<IndexValue> out, IndexValue v) {
        int at = 0;
        while (at < out.size() && out.get(at).priority() < v.priority()) {
            at++;
        }
        out.add(at, v);
    }
}
