package org.modstack.index;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The iteration order of kmod's hash tables, which decides the order of modules and symbols
 * in everything depmod writes.
 *
 * <p>kmod hashes a key with Paul Hsieh's SuperFastHash (16-bit words read in the host's byte
 * order, little-endian on the machines kmod's output is compared on; single bytes as signed
 * {@code char}), keeps each bucket sorted by {@code strcmp}, and iterates bucket by bucket.
 */
public final class KmodHash {
    private KmodHash() {
    }

    /**
     * SuperFastHash of a key's bytes (Latin-1, one byte per char), read from an array: a charAt
     * per byte is a call in C1, which compiles a depmod.
     */
    public static int superFast(String key) {
        byte[] b = key.getBytes(StandardCharsets.ISO_8859_1);
        int len = b.length;
        int hash = len;
        int rem = len & 3;
        int i = 0;
        for (int words = len >>> 2; words > 0; words--) {
            hash += u16(b, i);
            int tmp = (u16(b, i + 2) << 11) ^ hash;
            hash = (hash << 16) ^ tmp;
            i += 4;
            hash += hash >>> 11;
        }
        switch (rem) {
            case 3 -> {
                hash += u16(b, i);
                hash ^= hash << 16;
                hash ^= b[i + 2] << 18;
                hash += hash >>> 11;
            }
            case 2 -> {
                hash += u16(b, i);
                hash ^= hash << 11;
                hash += hash >>> 17;
            }
            case 1 -> {
                hash += b[i];
                hash ^= hash << 10;
                hash += hash >>> 1;
            }
            default -> {
            }
        }
        hash ^= hash << 3;
        hash += hash >>> 5;
        hash ^= hash << 4;
        hash += hash >>> 17;
        hash ^= hash << 25;
        hash += hash >>> 6;
        return hash;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
    }

    /**
     * {@code items} in the order a kmod hash table of {@code buckets} buckets (a power of two)
     * keyed by {@code key} iterates them. Keys must be distinct, as in the table.
     */
    public static <T> List<T> iterationOrder(Collection<T> items, Function<T, String> key, int buckets) {
        record Keyed<T>(int bucket, String key, T item) {
        }
        List<Keyed<T>> keyed = new ArrayList<>(items.size());
        for (T item : items) {
            String k = key.apply(item);
            keyed.add(new Keyed<>(superFast(k) & (buckets - 1), k, item));
        }
        // by bucket, then key: written out, as the JDK's combinators make lambdas the archive does not keep
        keyed.sort((a, b) -> a.bucket() != b.bucket() ? Integer.compare(a.bucket(), b.bucket())
                : a.key().compareTo(b.key()));
        List<T> out = new ArrayList<>(keyed.size());
        keyed.forEach(k -> out.add(k.item()));
        return out;
    }
}
