package org.modstack.util;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NUL-terminated strings inside a binary image.
 *
 * <p>Bytes are decoded as ISO-8859-1, which maps each byte to one char and back: a module's
 * strings can hold any byte, and the tools must print them unchanged.
 */
public final class CString {
    private CString() {
    }

    /**
     * Makes the String of a byte range whose end is known: {@link #text} itself, or one that
     * gives equal bytes one String ({@link Interner}).
     */
    @FunctionalInterface
    public interface Decoder {
        /** The bytes from {@code from} to {@code end} (no NUL among them) as a String. */
        String text(ByteBuffer buf, int from, int end);
    }

    /** Decodes each string anew. */
    public static final Decoder PLAIN = new Plain();

    /** {@link #PLAIN}: a class, not a lambda, which a one-module command would link on its start. */
    private static final class Plain implements Decoder {
        @Override
        public String text(ByteBuffer buf, int from, int end) {
            return CString.text(buf, from, end);
        }
    }

    /**
     * The string starting at {@code from}, ending at the first NUL or at {@code limit},
     * whichever comes first.
     */
    public static String read(ByteBuffer buf, int from, int limit) {
        return text(buf, from, terminator(buf, from, limit));
    }

    /** As {@link #read(ByteBuffer, int, int)}, made a String by {@code decoder}. */
    public static String read(ByteBuffer buf, int from, int limit, Decoder decoder) {
        return decoder.text(buf, from, terminator(buf, from, limit));
    }

    /** The bytes from {@code from} to {@code end}, whose end is known (no NUL among them). */
    public static String text(ByteBuffer buf, int from, int end) {
        byte[] bytes = new byte[end - from];
        buf.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * The index of the first NUL at or after {@code from}, or {@code limit} when there is none.
     * C1, which compiles short-lived runs, turns each {@code get(i)} into a call with scope and
     * bounds checks: a heap buffer is scanned in its array, any other eight bytes at a time.
     */
    public static int terminator(ByteBuffer buf, int from, int limit) {
        int i = from;
        int stop = Math.min(limit, buf.limit());
        if (buf.hasArray() && from >= 0) {
            byte[] bytes = buf.array();
            int base = buf.arrayOffset();
            while (i < stop && bytes[base + i] != 0) {
                i++;
            }
        } else if (from >= 0) {
            boolean bigEndian = buf.order() == ByteOrder.BIG_ENDIAN;
            while (i + (long) Long.BYTES <= stop) {
                long word = buf.getLong(i);
                long bytes = bigEndian ? Long.reverseBytes(word) : word;  // first in memory: lowest
                long zeros = (bytes - 0x0101010101010101L) & ~bytes & 0x8080808080808080L;
                if (zeros != 0) {
                    return i + Long.numberOfTrailingZeros(zeros) / Byte.SIZE;
                }
                i += Long.BYTES;
            }
        }
        while (i < limit && buf.get(i) != 0) {  // the rest, if any: past the buffer's limit, get throws as ever
            i++;
        }
        return i;
    }

    /** Whether the NUL-terminated string at {@code from} equals {@code expected}'s bytes. */
    public static boolean equalsAt(ByteBuffer buf, int from, int limit, byte[] expected) {
        if (from + expected.length >= limit + 1) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (buf.get(from + i) != expected[i]) {
                return false;
            }
        }
        return from + expected.length == limit || buf.get(from + expected.length) == 0;
    }

    /**
     * The strings of a section of NUL-separated strings ({@code .modinfo},
     * {@code __ksymtab_strings}), as libkmod splits one: runs of NULs separate strings, so
     * padding yields no empty strings; a last string without its NUL still counts; a section of
     * a single byte after its leading NULs holds nothing.
     */
    public static List<String> split(ByteBuffer section) {
        return split(section, PLAIN);
    }

    /** As {@link #split(ByteBuffer)}, each string made by {@code decoder}. */
    public static List<String> split(ByteBuffer section, Decoder decoder) {
        Strings strings = new Strings(section, decoder);
        forEachString(section, strings);
        return strings.decoded;
    }

    /** The strings {@link #split} gathers: a class, not a lambda, as {@link Plain}. */
    private static final class Strings implements Range {
        private final ByteBuffer section;
        private final Decoder decoder;
        private final List<String> decoded = new ArrayList<>();

        Strings(ByteBuffer section, Decoder decoder) {
            this.section = section;
            this.decoder = decoder;
        }

        @Override
        public void accept(int from, int end) {
            decoded.add(decoder.text(section, from, end));
        }
    }

    /** Where one string of a section lies: from its first byte to its end (no NUL among them). */
    @FunctionalInterface
    public interface Range {
        void accept(int from, int end);
    }

    /** Gives {@code each} the place of every string {@link #split(ByteBuffer)} finds, none decoded. */
    public static void forEachString(ByteBuffer section, Range each) {
        int size = section.capacity();
        int i = 0;
        while (size - i > 1 && section.get(i) == 0) {
            i++;
        }
        if (size - i <= 1) {
            return;
        }
        while (i < size) {
            int end = terminator(section, i, size);
            each.accept(i, end);
            i = end;
            while (i < size && section.get(i) == 0) {
                i++;
            }
        }
    }

    /** Whether the bytes from {@code from} to {@code end} start with {@code prefix}. */
    public static boolean startsWith(ByteBuffer buf, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.get(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The bytes a string stands for, the inverse of {@link #read}. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
