package org.modstack.index;

import static org.modstack.index.IndexWriter.NONE;

/**
 * The bytes of an {@link IndexWriter}'s trie in one layout: every node's size and its subtree's,
 * then each node's offset, then the nodes themselves after the header.
 */
final class IndexImage {
    private final IndexWriter w;
    private final int[] order;
    private final int[] size;
    private final long[] total;

    IndexImage(IndexWriter w) {
        this.w = w;
        this.order = breadthFirst();
        this.size = new int[w.nodeCount];
        this.total = new long[w.nodeCount];
        measure();
    }

    /** Any order with parents before children serves: a breadth-first one needs no stack. */
    private int[] breadthFirst() {
        int[] order = new int[w.nodeCount];
        int n = 1;
        for (int k = 0; k < n; k++) {
            for (int c = w.firstChild[order[k]]; c != NONE; c = w.nextSibling[c]) {
                order[n++] = c;
            }
        }
        return order;
    }

    /** A node's own size, and the size of its subtree (children before parents). */
    private void measure() {
        for (int k = w.nodeCount - 1; k >= 0; k--) {
            int node = order[k];
            int s = 0;
            if (w.prefixLen[node] > 0) {
                s += w.prefixLen[node] + 1;
            }
            int first = w.firstChild[node];
            if (first != NONE) {
                int last = first;
                long t = 0;
                for (int c = first; c != NONE; c = w.nextSibling[c]) {
                    last = c;
                    t += total[c];
                }
                s += 2 + 4 * (w.edge[last] - w.edge[first] + 1);
                total[node] = t;
            }
            if (w.valueHead[node] != NONE) {
                s += 4 + w.valueBytes[node];
            }
            size[node] = s;
            total[node] += s;
        }
    }

    /** The whole file in {@code layout}. */
    byte[] bytes(IndexWriter.Layout layout) {
        long length = IndexFormat.HEADER_SIZE + total[0];
        if (length > IndexFormat.OFFSET_MASK) {
            throw new IllegalStateException("index of " + length + " bytes: node offsets have 28 bits");
        }
        int[] offset = offsets(layout);
        byte[] out = new byte[(int) length];
        putInt(out, 0, IndexFormat.MAGIC);
        putInt(out, 4, IndexFormat.VERSION);
        putInt(out, 8, offset[0] | flags(0));
        for (int node = 0; node < w.nodeCount; node++) {
            writeNode(out, node, offset);
        }
        return out;
    }

    /**
     * Offsets, parents first: a subtree starts where its previous sibling's subtree ends (or
     * where the parent's own bytes end, pre-order; or where the parent's subtree starts,
     * post-order), and a post-order node follows its children's subtrees.
     */
    private int[] offsets(IndexWriter.Layout layout) {
        int[] offset = new int[w.nodeCount];
        int[] start = new int[w.nodeCount];
        start[0] = IndexFormat.HEADER_SIZE;
        boolean pre = layout == IndexWriter.Layout.PRE_ORDER;
        for (int k = 0; k < w.nodeCount; k++) {
            int node = order[k];
            offset[node] = pre ? start[node] : (int) (start[node] + total[node] - size[node]);
            int next = pre ? offset[node] + size[node] : start[node];
            for (int c = w.firstChild[node]; c != NONE; c = w.nextSibling[c]) {
                start[c] = next;
                next += (int) total[c];
            }
        }
        return offset;
    }

    private void writeNode(byte[] out, int node, int[] offset) {
        int at = offset[node];
        int len = w.prefixLen[node];
        if (len > 0) {
            System.arraycopy(w.keys, w.prefixAt[node], out, at, len);
            at += len + 1; // the array is zeroed: the NUL is already there
        }
        int first = w.firstChild[node];
        if (first != NONE) {
            int firstCh = w.edge[first];
            int last = first;
            for (int c = first; c != NONE; c = w.nextSibling[c]) {
                last = c;
            }
            out[at] = (byte) firstCh;
            out[at + 1] = w.edge[last];
            at += 2;
            for (int c = first; c != NONE; c = w.nextSibling[c]) {
                putInt(out, at + 4 * (w.edge[c] - firstCh), offset[c] | flags(c));
            }
            at += 4 * (w.edge[last] - firstCh + 1); // characters without a child stay 0
        }
        if (w.valueHead[node] != NONE) {
            putInt(out, at, w.valueCount[node]);
            at += 4;
            for (int v = w.valueHead[node]; v != NONE; v = w.nextValue[v]) {
                putInt(out, at, w.priority[v]);
                System.arraycopy(w.values, w.valueAt[v], out, at + 4, w.valueLen[v]);
                at += 4 + w.valueLen[v] + 1;
            }
        }
    }

    private int flags(int node) {
        int f = 0;
        if (w.prefixLen[node] > 0) {
            f |= IndexFormat.FLAG_PREFIX;
        }
        if (w.firstChild[node] != NONE) {
            f |= IndexFormat.FLAG_CHILDS;
        }
        if (w.valueHead[node] != NONE) {
            f |= IndexFormat.FLAG_VALUES;
        }
        return f;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

}
