package org.modstack.depmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.SymbolVersion;

/**
 * The kernel image's exports, as depmod's {@code -E Module.symvers} or {@code -F System.map}
 * give them.
 */
public final class KernelSymbols {
    private KernelSymbols() {
    }

    /** Symbols the kernel's loader provides itself, known whenever kernel symbols are. */
    static final List<String> FAKE = List.of("__this_module", "_GLOBAL_OFFSET_TABLE_", "TOC.");

    /**
     * The {@code vmlinux} lines of a Module.symvers ({@code 0x<crc> <sym> vmlinux EXPORT_...}),
     * with their CRCs and the architecture's symbol prefix skipped; a bad CRC is reported and the line
     * skipped.
     */
    static List<SymbolVersion> fromSymvers(Path file, char prefix, Depmod.Log log) throws ErrnoException {
        List<SymbolVersion> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(file)) {
            lineNo++;
            // strtok keeps the newline in the last word: "vmlinux\n" is not "vmlinux"
            List<String> words = words(line);
            if (words.size() < 3 || !words.get(2).equals("vmlinux")) {
                continue;
            }
            try {
                long crc = Long.parseUnsignedLong(hexDigits(words.get(0)), 16);
                String name = words.get(1);
                out.add(new SymbolVersion(!name.isEmpty() && name.charAt(0) == prefix ? name.substring(1) : name, crc));
            } catch (NumberFormatException e) {
                log.error(file + ":" + lineNo + " Invalid symbol version " + words.get(0) + ": Success\n");
            }
        }
        return out;
    }

    /** A vmlinux export as a Module.symvers line gives it. */
    public record SymversExport(String name, long crc, boolean gplOnly, String namespace) {
    }

    /**
     * The {@code vmlinux} exports of a Module.symvers
     * ({@code 0x<crc>\t<sym>\tvmlinux\tEXPORT_SYMBOL[_GPL]\t<namespace>}); lines that do not
     * parse are skipped.
     */
    public static List<SymversExport> vmlinuxExports(Path file) throws ErrnoException {
        List<SymversExport> out = new ArrayList<>();
        for (String line : lines(file)) {
            String[] f = line.replace("\n", "").split("\t", -1);
            if (f.length < 4 || !f[2].equals("vmlinux")) {
                continue;
            }
            try {
                out.add(new SymversExport(f[1], Long.parseUnsignedLong(hexDigits(f[0]), 16),
                        f[3].endsWith("_GPL"), f.length > 4 ? f[4] : ""));
            } catch (NumberFormatException e) {
                // not a symbol line
            }
        }
        return out;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String s : line.split("[ \t]+", -1)) {
            if (!s.isEmpty()) {
                words.add(s);
            }
        }
        return words;
    }

    private static String hexDigits(String v) {
        return v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
    }

    /**
     * The {@code __ksymtab_<sym>} entries of a System.map ({@code <addr> <type> <name>}), the
     * architecture's symbol prefix skipped; CRCs are unknown (0).
     */
    static List<SymbolVersion> fromSystemMap(Path file, char prefix, Depmod.Log log) throws ErrnoException {
        List<SymbolVersion> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines(file)) {
            lineNo++;
            int first = line.indexOf(' ');
            int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
            if (second < 0) {
                log.error(file + ":" + lineNo + ": invalid line: " + line + "\n");
                continue;
            }
            String name = line.substring(second + 1).replace("\n", "");
            if (!name.isEmpty() && name.charAt(0) == prefix) {
                name = name.substring(1);
            }
            if (name.startsWith("__ksymtab_")) {
                out.add(new SymbolVersion(name.substring("__ksymtab_".length()), 0));
            }
        }
        return out;
    }

    /** depmod's line buffer: fgets reads a longer line in pieces of one byte less. */
    private static final int LINE_BUFFER = 10240;

    /**
     * The file's lines as depmod reads them with fgets into its buffer: each up to and with its
     * newline, or the next {@code LINE_BUFFER - 1} bytes of a longer one, then seen as the C
     * string it is, up to a NUL. A directory has none: fopen(3) opens it, and the first fgets
     * fails as at the end of a file.
     */
    private static List<String> lines(Path file) throws ErrnoException {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            ErrnoException errno = ErrnoException.of(e, file.toString());
            if (errno.errno() == Errno.EISDIR) {
                return List.of();
            }
            throw errno;
        }
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            int end = at;
            while (end < b.length && end - at < LINE_BUFFER - 1 && b[end++] != '\n') {
                // up to and with the newline
            }
            int nul = at;
            while (nul < end && b[nul] != 0) {
                nul++;
            }
            out.add(new String(b, at, nul - at, StandardCharsets.ISO_8859_1));
            at = end;
        }
        return out;
    }
}
