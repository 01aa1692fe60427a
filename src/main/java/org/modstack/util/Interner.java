package org.modstack.util;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link CString.Decoder} that gives equal bytes one String: depmod decodes 390,000 symbol
 * names of Debian's tree, 25,000 of them different (thousands of modules import
 * {@code printk}). A name already held costs no allocation: its bytes are copied into a
 * scratch array, hashed and compared there. Before, each name became a String, then was looked
 * up in a concurrent map (a full depmod spent a tenth of its samples on the two).
 *
 * <p>Each thread interns into a table of its own, so a lookup takes no lock; two threads may
 * therefore hold equal Strings that are not the same object. Safe for use by any thread.
 */
public final class Interner implements CString.Decoder {
    private final ThreadLocal<Table> tables = ThreadLocal.withInitial(Table::new);

    @Override
    public String text(ByteBuffer buf, int from, int end) {
        return tables.get().text(buf, from, end);
    }

    /** One thread's strings: open addressing, linear probing, at most half full. */
    private static final class Table {
        private static final int INITIAL = 1 << 15;  // a tree's names, grown at most once
        private byte[] scratch = new byte[256];
        private byte[][] keys = new byte[INITIAL][];
        private String[] values = new String[INITIAL];
        private int[] hashes = new int[INITIAL];
        private int size;

        String text(ByteBuffer buf, int from, int end) {
            int length = end - from;
            if (length > scratch.length) {
                scratch = new byte[Math.max(length, 2 * scratch.length)];
            }
            buf.get(from, scratch, 0, length);
            int hash = hash(scratch, length);
            int mask = keys.length - 1;
            for (int i = hash & mask;; i = (i + 1) & mask) {
                byte[] key = keys[i];
                if (key == null) {
                    return add(i, hash, length);
                }
                if (hashes[i] == hash && Arrays.equals(key, 0, key.length, scratch, 0, length)) {
                    return values[i];
                }
            }
        }

        private String add(int slot, int hash, int length) {
            byte[] key = Arrays.copyOf(scratch, length);
            String value = new String(key, StandardCharsets.ISO_8859_1);
            keys[slot] = key;
            values[slot] = value;
            hashes[slot] = hash;
            if (++size > keys.length / 2) {
                grow();
            }
            return value;
        }

        private void grow() {
            byte[][] oldKeys = keys;
            String[] oldValues = values;
            int[] oldHashes = hashes;
            keys = new byte[2 * oldKeys.length][];
            values = new String[keys.length];
            hashes = new int[keys.length];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != null) {
                    int i = oldHashes[j] & mask;
                    while (keys[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                    hashes[i] = oldHashes[j];
                }
            }
        }

        /** FNV-1a, whose low bits, the slot, depend on every byte. */
        private static int hash(byte[] bytes, int length) {
            int h = 0x811c9dc5;
            for (int i = 0; i < length; i++) {
                h = (h ^ bytes[i]) * 0x01000193;
            }
            return h;
        }
    }
}
