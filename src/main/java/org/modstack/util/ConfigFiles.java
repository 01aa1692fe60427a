package org.modstack.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The configuration files kmod reads from a list of paths: a path to a file is taken as is; a
 * directory gives its files whose names the caller accepts (hidden files and subdirectories
 * skipped). Files are ordered by base name across all paths (byte order, as {@code strcmp}), and
 * a name seen first hides the same name seen later, so {@code /etc} overrides {@code /lib}.
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * A file to read.
     *
     * @param name the name files are sorted and deduplicated by
     * @param path the file to open, spelled as kmod spells it in messages: a path given directly
     *     as given, a directory entry as {@code <directory as given>/<name>}
     * @param single whether the file was given directly rather than found in a directory
     */
    public record Entry(String name, String path, boolean single) {
    }

    /** How a caller words the problems met while listing directories. */
    public interface Problems {
        /** A directory entry with an accepted name is itself a directory; it is skipped. */
        void nestedDirectory(String dir, String name);

        /** A directory could not be listed; its files are skipped. */
        void unlistable(String dir, IOException e);

        /**
         * A directory entry could not be stat'ed (a dangling symbolic link). Returns whether to
         * skip it (kmod 34's libkmod) or to keep it as a file (kmod 30, depmod).
         */
        default boolean unstatable(String dir, String name) {
            return false;
        }
    }

    /** Byte order of the names' UTF-8 encodings, which is {@code strcmp}'s order. */
    public static final Comparator<String> STRCMP = new Strcmp();

    /** A class, not a lambda: modprobe of one name links no lambda (see SmallCommandsTest). */
    private static final class Strcmp implements Comparator<String> {
        @Override
        public int compare(String a, String b) {
            return a.equals(b) ? 0
                    : Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The files to read, sorted by name: the {@code seeded} entries (which win over any file of
     * the same name), then those of each of {@code paths} in turn. A path that does not exist is
     * skipped silently.
     */
    public static List<Entry> list(List<Entry> seeded, List<String> paths, Predicate<String> accepted, Problems problems) {
        TreeMap<String, Entry> byName = new TreeMap<>(STRCMP);
        for (Entry e : seeded) {
            byName.putIfAbsent(e.name(), e);
        }
        for (String p : paths) {
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                continue;
            }
            if (!Files.isDirectory(path)) {
                Path name = path.getFileName();
                String n = name == null ? "" : name.toString();
                byName.putIfAbsent(n, new Entry(n, p, true));
                continue;
            }
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(path)) {
                for (Path f : dir) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".") || !accepted.test(name)) {
                        continue;
                    }
                    BasicFileAttributes attrs = null;
                    try {
                        attrs = Files.readAttributes(f, BasicFileAttributes.class);
                    } catch (IOException e) {
                        if (problems.unstatable(p, name)) {
                            continue;
                        }
                    }
                    if (attrs != null && attrs.isDirectory()) {
                        problems.nestedDirectory(p, name);
                        continue;
                    }
                    byName.putIfAbsent(name, new Entry(name, p + "/" + name, false));
                }
            } catch (IOException e) {
                problems.unlistable(p, e);
            }
        }
        return new ArrayList<>(byName.values());
    }
}
