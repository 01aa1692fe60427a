package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.modstack.ErrnoException;
import org.modstack.util.ConfigFiles;
import org.modstack.util.ConfigLines;

/**
 * depmod's configuration ({@code depmod.d}): where modules are searched and which copy of a
 * module wins when several share a name.
 *
 * <p>Lists keep kmod's order, which is the reverse of the files' (kmod prepends each entry):
 * a later index means a higher priority, so the first {@code search} word of the first file
 * ranks highest.
 *
 * @param searches {@code search} entries: a subdirectory of the module directory, or the
 *     keywords {@code built-in} (the main tree) and {@code external} (the external directories)
 * @param overrides {@code override <module> <kernel> <subdir>} entries as {@code subdir/module}
 * @param externals {@code external <kernel> <dir>} directories
 * @param excludes directory names {@code exclude}d from the search
 */
public record DepmodConfig(List<String> searches, List<String> overrides, List<String> externals,
                           List<String> excludes) {

    /** The search keyword for the main tree. */
    public static final String BUILT_IN = "built-in";
    /** The search keyword for the external directories. */
    public static final String EXTERNAL = "external";

    /** The directories kmod reads when no {@code -C} is given, in precedence order. */
    public static final List<String> DEFAULT_PATHS =
            List.of("/etc/depmod.d", "/run/depmod.d", "/usr/local/lib/depmod.d", "/lib/depmod.d");

    /** A problem in a configuration file, worded as depmod words it. */
    public record Message(boolean error, String text) {
    }

    /**
     * Reads the configuration for kernel {@code release} from {@code paths} (files, or
     * directories of {@code *.conf}), files sorted by name across directories, the first
     * directory winning on equal names.
     */
    public static DepmodConfig load(List<String> paths, String release, Consumer<Message> log) {
        Builder b = new Builder();
        for (Path file : confFiles(paths, log)) {
            b.parse(file, release, log);
        }
        if (b.searches.isEmpty()) {
            b.searches.add("updates");  // kmod's default: updates/ beats the rest of the tree
        }
        return new DepmodConfig(List.copyOf(b.searches), List.copyOf(b.overrides), List.copyOf(b.externals),
                List.copyOf(b.excludes));
    }

    private static final class Builder {
        final List<String> searches = new ArrayList<>();
        final List<String> overrides = new ArrayList<>();
        final List<String> externals = new ArrayList<>();
        final List<String> excludes = new ArrayList<>();

        void parse(Path file, String release, Consumer<Message> log) {
            List<ConfigLines.Line> lines;
            try {
                lines = ConfigLines.read(file);
            } catch (IOException e) {
                log.accept(new Message(true, "file parse " + file + ": " + ErrnoException.of(e, "")
                        .errno().message() + "\n"));
                return;
            }
            for (ConfigLines.Line line : lines) {
                if (line.text().isEmpty() || line.text().charAt(0) == '#') {
                    continue;
                }
                List<String> w = ConfigLines.words(line.text());
                if (w.isEmpty()) {
                    continue;
                }
                if (!apply(w, release)) {
                    log.accept(new Message(true, file + ":" + line.number() + ": ignoring bad line starting with '"
                            + w.get(0) + "'\n"));
                }
            }
        }

        /** Applies one command; false for a syntax error. */
        boolean apply(List<String> w, String release) {
            switch (w.get(0)) {
                case "search" -> w.subList(1, w.size()).forEach(p -> searches.add(0, p));
                case "exclude" -> w.subList(1, w.size()).forEach(p -> excludes.add(0, p));
                case "override" -> {
                    if (w.size() < 4) {
                        return false;
                    }
                    if (kernelMatches(w.get(2), release)) {
                        overrides.add(0, w.get(3) + "/" + w.get(1));
                    }
                }
                case "external" -> {
                    if (w.size() < 3) {
                        return false;
                    }
                    if (kernelMatches(w.get(1), release)) {
                        externals.add(0, w.get(2));
                    }
                }
                case "include", "make_map_files" -> {
                    // kmod reads these and ignores them ("not implemented yet")
                }
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code *}, or an extended regular expression that must match somewhere in the release. */
    static boolean kernelMatches(String pattern, String release) {
        if (pattern.equals("*")) {
            return true;
        }
        try {
            return Pattern.compile(pattern).matcher(release).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    /** depmod's {@code *.conf} files of {@code paths}, problems worded as depmod words them. */
    private static List<Path> confFiles(List<String> paths, Consumer<Message> log) {
        ConfigFiles.Problems depmod = new ConfigFiles.Problems() {
            @Override
            public void nestedDirectory(String dir, String name) {
                log.accept(new Message(true,
                        "Directories inside directories are not supported: " + dir + "/" + name + "\n"));
            }

            @Override
            public void unlistable(String dir, IOException e) {
                log.accept(new Message(true, "files list " + dir + ": "
                        + ErrnoException.of(e, "").errno().message() + "\n"));
            }
        };
        List<Path> out = new ArrayList<>();
        for (ConfigFiles.Entry e : ConfigFiles.list(List.of(), paths, n -> n.length() >= 6 && n.endsWith(".conf"), depmod)) {
            out.add(Path.of(e.path()));
        }
        return out;
    }
}
