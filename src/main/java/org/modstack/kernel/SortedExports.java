package org.modstack.kernel;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * vmlinux's exports as the linkage file keeps them ({@link StateFile}), sorted by name: each
 * found by binary search and decoded when asked for. Decoding all of Debian's 13,000 into a map
 * cost every insmod 15 ms; a module imports a few dozen.
 */
final class SortedExports extends AbstractMap<String, KernelSymbol> {
    private final byte[] file;
    private final int table;
    private final int records;
    private final int size;
    private Set<Map.Entry<String, KernelSymbol>> entries;

    /** Checks the offsets (ascending, inside the file) and that the last export ends the file. */
    SortedExports(byte[] file, int table, int size) throws IOException, StateFile.UnreadableException {
        if (table + 4L * size > file.length) {
            throw new EOFException();
        }
        this.file = file;
        this.table = table;
        this.records = table + 4 * size;
        this.size = size;
        int previous = -1;
        for (int i = 0; i < size; i++) {
            int offset = offset(i);
            if (offset <= previous || records + offset >= file.length) {
                throw new EOFException();
            }
            previous = offset;
        }
        DataInputStream last = recordStream(Math.max(previous, 0));
        if (size > 0) {
            StateFile.symbol(last);
        }
        StateFile.end(last);
    }

    @Override
    public KernelSymbol get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            KernelSymbol e = at(mid);
            int c = e.name().compareTo(name);
            if (c == 0) {
                return e;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public synchronized Set<Map.Entry<String, KernelSymbol>> entrySet() {
        if (entries == null) {
            Map<String, KernelSymbol> all = new LinkedHashMap<>(size * 4 / 3 + 1);
            for (int i = 0; i < size; i++) {
                KernelSymbol e = at(i);
                all.put(e.name(), e);
            }
            entries = Collections.unmodifiableMap(all).entrySet();
        }
        return entries;
    }

    private KernelSymbol at(int i) {
        try {
            return StateFile.symbol(recordStream(offset(i)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // every record was checked to lie inside the file
        }
    }

    private int offset(int i) {
        int at = table + 4 * i;
        return (file[at] & 0xff) << 24 | (file[at + 1] & 0xff) << 16 | (file[at + 2] & 0xff) << 8 | file[at + 3] & 0xff;
    }

    private DataInputStream recordStream(int offset) {
        return new DataInputStream(new ByteArrayInputStream(file, records + offset, file.length - records - offset));
    }
}
