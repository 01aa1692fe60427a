package org.modstack.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Logical lines of a kmod configuration file, read as kmod reads them: a backslash before a
 * newline joins two physical lines, a backslash before any other character is dropped and the
 * character kept, and each line carries the number of the last physical line it took.
 */
public final class ConfigLines {
    private ConfigLines() {
    }

    /** One logical line and the number of its last physical line. */
    public record Line(String text, int number) {
    }

    /** The logical lines of {@code file}, a backslash at the very end kept as kmod 30 keeps it. */
    public static List<Line> read(Path file) throws IOException {
        return read(file, true);
    }

    /**
     * The logical lines of {@code file}. A backslash that is the file's last byte makes kmod 30
     * store the end-of-file marker it read as a byte {@code 0xff} ({@code backslashEofAsByte});
     * kmod 34 drops it.
     */
    public static List<Line> read(Path file, boolean backslashEofAsByte) throws IOException {
        return split(FileBytes.readAll(file), backslashEofAsByte);
    }

    /**
     * The logical lines of a file's bytes. The line is gathered in a plain array: a
     * {@code ByteArrayOutputStream}'s synchronized write per byte ran interpreted in every
     * modprobe (modules.softdep alone is 1.6 KB on Debian).
     */
    static List<Line> split(byte[] data, boolean backslashEofAsByte) {
        List<Line> out = new ArrayList<>();
        byte[] line = new byte[data.length];  // each byte of a line takes at least one of the file's
        int length = 0;
        int physical = 0;
        int i = 0;
        while (i < data.length) {
            byte c = data[i++];
            if (c == '\n') {
                physical++;
                out.add(new Line(new String(line, 0, length, StandardCharsets.ISO_8859_1), physical));
                length = 0;
            } else if (c == '\\') {
                if (i == data.length) {
                    if (backslashEofAsByte) {
                        line[length++] = (byte) 0xff;  // kmod 30 stores the EOF it read (-1) as a byte
                    }
                } else if (data[i] == '\n') {
                    physical++;
                    i++;
                } else {
                    line[length++] = data[i++];
                }
            } else {
                line[length++] = c;
            }
        }
        if (length > 0) {
            out.add(new Line(new String(line, 0, length, StandardCharsets.ISO_8859_1), physical + 1));
        }
        return out;
    }

    /**
     * A line walked as kmod walks a configuration line with {@code strtok_r}: {@link #next()}
     * gives the next word (split on spaces and tabs, nothing else), {@link #rest()} the rest of
     * the line after the one separator that ended the last word, exactly as written (leading
     * and trailing blanks kept).
     */
    public static final class Tokens {
        private final String line;
        private int pos;
        /** The next space and tab at or after some earlier position (-1: not looked for yet). */
        private int space = -1;
        private int tab = -1;

        public Tokens(String line) {
            this(line, 0);
        }

        /** The words of {@code line} from index {@code from} on. */
        public Tokens(String line, int from) {
            this.line = line;
            this.pos = from;
        }

        private static boolean separator(char c) {
            return c == ' ' || c == '\t';
        }

        /** The next word, or null when only separators are left. */
        public String next() {
            while (pos < line.length() && separator(line.charAt(pos))) {
                pos++;
            }
            if (pos == line.length()) {
                return null;
            }
            int start = pos;
            pos = wordEnd(start);
            String word = line.substring(start, pos);
            if (pos < line.length()) {
                pos++;  // strtok_r ends the word on the separator and goes past it
            }
            return word;
        }

        /**
         * The first separator at or after {@code from}, or the line's end: found by
         * {@code indexOf}, compiled early in every JVM, where a loop of ours runs interpreted
         * over each of modules.dep's 4,000 lines in {@code modprobe -a}. A separator found once
         * still comes first while the position has not passed it.
         */
        private int wordEnd(int from) {
            if (space < from) {
                space = indexOrEnd(' ', from);
            }
            if (tab < from) {
                tab = indexOrEnd('\t', from);
            }
            return Math.min(space, tab);
        }

        private int indexOrEnd(char c, int from) {
            int i = line.indexOf(c, from);
            return i < 0 ? line.length() : i;
        }

        /** The rest of the line, or null when nothing is left. */
        public String rest() {
            if (pos == line.length()) {
                return null;
            }
            String rest = line.substring(pos);
            pos = line.length();
            return rest;
        }
    }

    /** The lines of {@code text} as fgets returns them: each with its newline, the last maybe without. */
    public static List<String> withNewlines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /** The words of a line, split on spaces and tabs as {@code strtok(line, "\t ")}. */
    public static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        for (String w : line.split("[\t ]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
