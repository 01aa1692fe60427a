package org.modstack.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
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

    /** The logical lines of {@code file}. */
    public static List<Line> read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        List<Line> out = new ArrayList<>();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int physical = 0;
        int i = 0;
        while (i < data.length) {
            int c = data[i++] & 0xff;
            if (c == '\n') {
                physical++;
                out.add(new Line(buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1), physical));
                buf.reset();
            } else if (c == '\\') {
                if (i == data.length) {
                    buf.write(0xff);  // kmod stores the EOF it read (-1) as a byte
                } else if (data[i] == '\n') {
                    physical++;
                    i++;
                } else {
                    buf.write(data[i++]);
                }
            } else {
                buf.write(c);
            }
        }
        if (buf.size() > 0) {
            out.add(new Line(buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1), physical + 1));
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
