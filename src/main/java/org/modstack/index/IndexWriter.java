package org.modstack.index;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds a kmod binary index ({@code modules.*.bin}) in memory and writes it byte for byte as
 * depmod does. Node format in {@link IndexFormat}; read back with {@link IndexFile}.
 *
 * <p>The trie is path-compressed: each node holds a prefix, then its children by next character,
 * then its values. It is built by the same steps as depmod's {@code index_insert}, so it has the
 * same shape: a new key hangs off the deepest matching node as a leaf holding the rest of the
 * key, and a key that parts from a node's prefix splits that node where they differ. Every node
 * but the root therefore has values or at least two children; the root's prefix is always empty.
 *
 * <p>Values of a key are kept in ascending priority (compared unsigned, as depmod's
 * {@code unsigned int}); a value goes <em>before</em> values already there with the same
 * priority, so equal-priority values come out in reverse insertion order.
 *
 * <p>A node's bytes are the same in both layouts; the layouts differ only in node order, and so
 * in the offsets:
 *
 * <pre>
 * POST_ORDER (kmod &lt;= 33, Debian bookworm's kmod 30):
 *   header (root offset patched in last) | child subtrees, first..last | node
 *   Each subtree is written children first, the node last; the root is the last node.
 * PRE_ORDER (kmod &gt;= 34):
 *   header (root at offset 12) | node | child subtrees, first..last
 *   Each subtree is written node first, then its children's subtrees in character order.
 * </pre>
 *
 * In both, a node's child table spans its lowest to its highest child character, 0 for a
 * character without a child, and every reference carries the referred node's flags: PREFIX when
 * its prefix is non-empty, CHILDS when it has children, VALUES when it has values. An empty index
 * is the 12-byte header whose root reference is {@code 0x0000000c}: an empty root node at offset
 * 12, with no flags and no bytes.
 *
 * <p>Strings are Latin-1, one byte per char. Keys must be 7-bit ASCII: depmod 34 stops with a
 * fatal error on a key byte of 128 or more, and depmod 30 indexes its child array with that
 * (signed, negative) char, which crashes or writes a broken index. Values may hold bytes up to
 * 255: depmod 30 writes them verbatim, while depmod 34 stops on them too, so {@link #toBytes}
 * refuses them in the {@link Layout#PRE_ORDER} layout.
 *
 * <p>Nodes and values live in parallel int arrays and the strings' bytes in two byte pools, so
 * tens of thousands of keys cost a handful of allocations; a node's prefix is a range of the key
 * pool, and splitting a node only moves range bounds. Not thread-safe.
 */
public final class IndexWriter {

    /** The order in which nodes follow each other in the file. */
    public enum Layout {
        /** Children before their parent, the root last: depmod of kmod 33 and older. */
        POST_ORDER,
        /** Parent before its children, the root first: depmod of kmod 34 and newer. */
        PRE_ORDER;

        /** The layout the depmod of kmod version {@code major} writes. */
        public static Layout ofKmod(int major) {
            return major >= 34 ? PRE_ORDER : POST_ORDER;
        }
    }

    static final int NONE = -1;

    // What copyLatin1 found in a string.
    private static final int ASCII = 0;
    private static final int LATIN1 = 1;
    private static final int INVALID = 2;

    // Nodes, by id. A node's children form a list through nextSibling, in ascending character
    // order, which is the order of its child table and of its subtrees in both layouts.
    int nodeCount;
    int[] prefixAt = new int[64];     // prefix = keys[prefixAt .. prefixAt + prefixLen)
    int[] prefixLen = new int[64];
    byte[] edge = new byte[64];       // the character that leads from the parent here
    int[] firstChild = new int[64];
    int[] nextSibling = new int[64];
    int[] valueHead = new int[64];
    int[] valueTail = new int[64];
    int[] valueCount = new int[64];
    int[] valueBytes = new int[64];   // bytes the node's values take in the file

    // Values, by id, chained per node in file order.
    private int valueTotal;
    int[] priority = new int[64];
    int[] valueAt = new int[64];      // value = values[valueAt .. valueAt + valueLen)
    int[] valueLen = new int[64];
    int[] nextValue = new int[64];

    byte[] keys = new byte[1024];
    private int keysUsed;
    byte[] values = new byte[1024];
    private int valuesUsed;

    /** The first value holding a byte of 128 or more, which depmod 34 refuses; else null. */
    private String nonAsciiValue;

    /** An empty index. */
    public IndexWriter() {
        nodeCount = 1;
        newNodeState(0, 0, 0, (byte) 0);
    }

    /** Whether a value added holds a byte of 128 or more, which depmod 34 refuses. */
    public boolean holdsNonAsciiValue() {
        return nonAsciiValue != null;
    }

    /** How many values were added. */
    public int size() {
        return valueTotal;
    }

    /**
     * The index of the first character of {@code s} that is not 7-bit ASCII, or -1. depmod 34
     * refuses such a key or value with {@code Module index: bad character}; a caller that
     * reproduces that message can find the character here.
     */
    public static int firstNonAscii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= IndexFormat.CHILD_MAX) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Adds {@code value} under {@code key}, as depmod's {@code index_insert}.
     *
     * @param priority orders the key's values, ascending; 0 to 0xFFFFFFFF (an unsigned 32-bit
     *     word in the file)
     * @return whether the key already held an equal value (depmod's "duplicate", which
     *     {@code depmod -w} reports); the value is added all the same, as depmod does
     * @throws IllegalArgumentException for a key char of 128 or more, a value char above 255, a
     *     NUL in either, or a priority out of range
     */
    public boolean add(String key, String value, long priority) {
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("index priority out of range: " + priority);
        }
        int keyAt = keysUsed;
        int keyLen = key.length();
        keys = ensure(keys, keyAt + keyLen);
        if (copyLatin1(key, keys, keyAt) != ASCII) {
            int bad = firstNonAscii(key);
            char c = bad >= 0 ? key.charAt(bad) : 0;
            throw new IllegalArgumentException(String.format(
                    "index key holds char 0x%x, only 7-bit ASCII without NUL is supported: %s", (int) c, key));
        }
        int v = storeValue(value, (int) priority);
        keysUsed += keyLen; // only now: a refused value leaves the writer as it was

        int node = 0;
        int i = 0; // position in the key
        while (true) {
            int at = prefixAt[node];
            int len = prefixLen[node];
            int j = 0;
            // The node's prefix must be a prefix of the key's rest; where they part, the node
            // splits into a parent holding the common part and a child holding the remainder.
            while (j < len && i + j < keyLen && keys[at + j] == keys[keyAt + i + j]) {
                j++;
            }
            if (j < len) {
                split(node, j);
            }
            i += j;
            if (i == keyLen) {
                return addValue(node, v);
            }
            byte ch = keys[keyAt + i];
            int prev = NONE;
            int child = firstChild[node];
            while (child != NONE && edge[child] < ch) {
                prev = child;
                child = nextSibling[child];
            }
            if (child == NONE || edge[child] != ch) {
                // A new leaf holding the rest of the key after the character that leads to it.
                int leaf = newNode(keyAt + i + 1, keyLen - i - 1, ch);
                nextSibling[leaf] = child;
                if (prev == NONE) {
                    firstChild[node] = leaf;
                } else {
                    nextSibling[prev] = leaf;
                }
                addValue(leaf, v);
                return false;
            }
            node = child;
            i++;
        }
    }

    /** The index in the PRE_ORDER or POST_ORDER layout, header included. */
    public byte[] toBytes(Layout layout) {
        if (layout == Layout.PRE_ORDER && nonAsciiValue != null) {
            throw new IllegalStateException("depmod 34 writes no index holding a value with a byte of 128 or more: "
                    + nonAsciiValue);
        }
        return new IndexImage(this).bytes(layout);
    }

    /** Writes the index in {@code layout} to {@code out}. */
    public void write(OutputStream out, Layout layout) throws IOException {
        out.write(toBytes(layout));
    }

    /**
     * Splits {@code node} after {@code j} characters of its prefix: a new child, reached by the
     * prefix's character {@code j}, takes the rest of the prefix, the children and the values.
     */
    private void split(int node, int j) {
        int at = prefixAt[node];
        int child = newNode(at + j + 1, prefixLen[node] - j - 1, keys[at + j]);
        firstChild[child] = firstChild[node];
        valueHead[child] = valueHead[node];
        valueTail[child] = valueTail[node];
        valueCount[child] = valueCount[node];
        valueBytes[child] = valueBytes[node];
        prefixLen[node] = j;
        firstChild[node] = child;
        valueHead[node] = NONE;
        valueTail[node] = NONE;
        valueCount[node] = 0;
        valueBytes[node] = 0;
    }

    /** depmod's index_add_value: before the first value of equal or higher priority. */
    private boolean addValue(int node, int v) {
        int head = valueHead[node];
        valueCount[node]++;
        valueBytes[node] += 4 + valueLen[v] + 1;
        if (head == NONE) {
            valueHead[node] = v;
            valueTail[node] = v;
            return false;
        }
        boolean duplicate = false;
        for (int w = head; w != NONE && !duplicate; w = nextValue[w]) {
            duplicate = sameValue(v, w);
        }
        int p = priority[v];
        if (Integer.compareUnsigned(priority[valueTail[node]], p) < 0) {
            // depmod adds values in ascending priority: appending is the common case
            nextValue[valueTail[node]] = v;
            valueTail[node] = v;
            return duplicate;
        }
        int prev = NONE;
        int w = head;
        while (Integer.compareUnsigned(priority[w], p) < 0) {
            prev = w;
            w = nextValue[w];
        }
        nextValue[v] = w;
        if (prev == NONE) {
            valueHead[node] = v;
        } else {
            nextValue[prev] = v;
        }
        return duplicate;
    }

    private boolean sameValue(int a, int b) {
        int len = valueLen[a];
        return len == valueLen[b]
                && Arrays.equals(values, valueAt[a], valueAt[a] + len, values, valueAt[b], valueAt[b] + len);
    }

    private int storeValue(String value, int prio) {
        int len = value.length();
        int at = valuesUsed;
        values = ensure(values, at + len);
        int kind = copyLatin1(value, values, at);
        if (kind == INVALID) {
            throw new IllegalArgumentException(
                    "index value holds a char above 0xff or NUL, only Latin-1 without NUL is supported: " + value);
        }
        if (kind == LATIN1 && nonAsciiValue == null) {
            nonAsciiValue = value;
        }
        valuesUsed += len;
        int v = valueTotal++;
        if (v == priority.length) {
            int cap = v * 2;
            priority = Arrays.copyOf(priority, cap);
            valueAt = Arrays.copyOf(valueAt, cap);
            valueLen = Arrays.copyOf(valueLen, cap);
            nextValue = Arrays.copyOf(nextValue, cap);
        }
        priority[v] = prio;
        valueAt[v] = at;
        valueLen[v] = len;
        nextValue[v] = NONE;
        return v;
    }

    /**
     * Copies {@code s}'s chars as bytes to {@code dst} at {@code at} and says what they were:
     * 7-bit ASCII, Latin-1 with bytes of 128 or more, or invalid (a NUL, or a char above 0xff).
     * getBytes copies a Latin-1 string's bytes in one go, much faster than charAt per char
     * before the JIT is warm. It turns a char above 0xff into '?', which the check catches, and
     * a surrogate pair into a single '?', which the length shows.
     */
    private static int copyLatin1(String s, byte[] dst, int at) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != s.length()) {
            return INVALID;
        }
        int kind = ASCII;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c <= 0 || c == '?') {
                if (c == 0 || c == '?' && s.charAt(i) != '?') {
                    return INVALID;
                }
                if (c < 0) {
                    kind = LATIN1;
                }
            }
        }
        System.arraycopy(b, 0, dst, at, b.length);
        return kind;
    }

    private int newNode(int at, int len, byte ch) {
        int node = nodeCount++;
        if (node == prefixAt.length) {
            int cap = node * 2;
            prefixAt = Arrays.copyOf(prefixAt, cap);
            prefixLen = Arrays.copyOf(prefixLen, cap);
            edge = Arrays.copyOf(edge, cap);
            firstChild = Arrays.copyOf(firstChild, cap);
            nextSibling = Arrays.copyOf(nextSibling, cap);
            valueHead = Arrays.copyOf(valueHead, cap);
            valueTail = Arrays.copyOf(valueTail, cap);
            valueCount = Arrays.copyOf(valueCount, cap);
            valueBytes = Arrays.copyOf(valueBytes, cap);
        }
        newNodeState(node, at, len, ch);
        return node;
    }

    private void newNodeState(int node, int at, int len, byte ch) {
        prefixAt[node] = at;
        prefixLen[node] = len;
        edge[node] = ch;
        firstChild[node] = NONE;
        nextSibling[node] = NONE;
        valueHead[node] = NONE;
        valueTail[node] = NONE;
        valueCount[node] = 0;
        valueBytes[node] = 0;
    }

    private static byte[] ensure(byte[] pool, int need) {
        if (need <= pool.length) {
            return pool;
        }
        return Arrays.copyOf(pool, Math.max(need, pool.length * 2));
    }
}
