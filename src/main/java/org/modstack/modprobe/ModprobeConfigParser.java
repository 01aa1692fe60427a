package org.modstack.modprobe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.modstack.ErrnoException;
import org.modstack.index.KmodVersion;
import org.modstack.modprobe.ModprobeConfig.Alias;
import org.modstack.modprobe.ModprobeConfig.Command;
import org.modstack.modprobe.ModprobeConfig.Options;
import org.modstack.modprobe.ModprobeConfig.Softdep;
import org.modstack.modprobe.ModprobeConfig.Weakdep;
import org.modstack.module.ModuleName;
import org.modstack.util.ConfigFiles;
import org.modstack.util.ConfigLines;
import org.modstack.util.FileBytes;
import org.modstack.util.Mirrors;
import org.modstack.util.PathMax;

/**
 * libkmod's {@code kmod_config_parse} and {@code kcmdline_parse_result}: reads modprobe.d files,
 * modules.softdep and the kernel command line into the lists a {@link ModprobeConfig} holds, and
 * reports bad lines in libkmod's words.
 */
final class ModprobeConfigParser implements KernelCmdline.Sink {
    /** Where in libkmod a message comes from: its function and, for kmod 30's debug build, its line. */
    private enum Site {
        BAD_LINE("kmod_config_parse", 712),
        DEPRECATED("kmod_config_parse", 708),
        CMDLINE_MODULE("kcmdline_parse_result", 489),
        CMDLINE_READ("kmod_config_parse_kcmdline", 521),
        NESTED_DIRECTORY("conf_files_filter_out", 772),
        CANNOT_STAT("conf_files_filter_out", 0),  // kmod 34 only
        OPENDIR("conf_files_list", 868),
        PATH_TOO_LONG("kmod_config_new", 936);

        final String function;
        final int kmod30Line;

        Site(String function, int kmod30Line) {
            this.function = function;
            this.kmod30Line = kmod30Line;
        }
    }

    final KmodVersion version;
    final Consumer<String> log;
    final List<Alias> aliases = new ArrayList<>();
    final List<String> blacklist = new ArrayList<>();
    final List<Options> options = new ArrayList<>();
    final List<Command> installCommands = new ArrayList<>();
    final List<Command> removeCommands = new ArrayList<>();
    final List<Softdep> softdeps = new ArrayList<>();
    final List<String> softdepTexts = new ArrayList<>();
    final List<Weakdep> weakdeps = new ArrayList<>();

    ModprobeConfigParser(KmodVersion version, Consumer<String> log) {
        this.version = version;
        this.log = log;
    }

    void log(Site site, String text) {
        if (version == KmodVersion.KMOD30) {
            log.accept("libkmod: ERROR ../libkmod/libkmod-config.c:" + site.kmod30Line + " " + site.function
                    + ": " + text);
        } else {
            log.accept("libkmod: ERROR: " + site.function + ": " + text);
        }
    }

    boolean acceptsName(String name) {
        return name.length() >= 6
                && (name.endsWith(".conf") || (version == KmodVersion.KMOD30 && name.endsWith(".alias")));
    }

    /** {@link #acceptsName} as the filter {@code ConfigFiles.list} takes. */
    Predicate<String> names() {
        return new Predicate<>() {
            @Override
            public boolean test(String name) {
                return acceptsName(name);
            }
        };
    }

    ConfigFiles.Problems listing() {
        return new ConfigFiles.Problems() {
            @Override
            public void nestedDirectory(String dir, String name) {
                log(Site.NESTED_DIRECTORY, "Directories inside directories are not supported: " + dir + "/" + name
                        + "\n");
            }

            @Override
            public void unlistable(String dir, IOException e) {
                log(Site.OPENDIR, "opendir(" + dir + "): " + ErrnoException.of(e, "").errno().message() + "\n");
            }

            @Override
            public boolean unstatable(String dir, String name) {
                if (version == KmodVersion.KMOD30) {
                    return false;  // kmod 30 does not check, and then fails to open it
                }
                log(Site.CANNOT_STAT, "Cannot stat directory entry: " + dir + "/" + name + "\n");
                return true;
            }
        };
    }

    void readFile(ConfigFiles.Entry e) {
        String fn = e.path();
        if (!e.single() && !PathMax.fits(fn)) {
            log(Site.PATH_TOO_LONG, "Error parsing " + fn + ": path too long\n");
            return;
        }
        List<ConfigLines.Line> lines;
        try {
            lines = ConfigLines.read(Path.of(fn), version == KmodVersion.KMOD30);
        } catch (IOException | InvalidPathException ex) {
            return;  // libkmod skips a file it cannot open, silently
        }
        for (ConfigLines.Line line : lines) {
            parseLine(fn, line);
        }
    }

    @Mirrors("kmod-30/libkmod/libkmod-config.c kmod_config_parse")
    void parseLine(String fn, ConfigLines.Line line) {
        String text = line.text();
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            text = text.substring(0, nul);  // C strings end there
        }
        if (text.isEmpty() || text.charAt(0) == '#') {
            return;
        }
        ConfigLines.Tokens t = new ConfigLines.Tokens(text);
        String cmd = t.next();
        if (cmd == null) {
            return;
        }
        boolean ok = switch (cmd) {
            case "alias" -> {
                String alias = underscores(t.next());
                String module = alias == null ? null : underscores(t.next());
                if (module == null) {
                    yield false;
                }
                aliases.add(new Alias(alias, module));
                yield true;
            }
            case "blacklist" -> {
                String module = underscores(t.next());
                if (module == null) {
                    yield false;
                }
                blacklist.add(module);
                yield true;
            }
            case "options" -> {
                String module = underscores(t.next());
                String rest = t.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                options.add(new Options(module, rest.replace('\t', ' ')));
                yield true;
            }
            case "install", "remove" -> {
                String module = underscores(t.next());
                String rest = t.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                (cmd.equals("install") ? installCommands : removeCommands).add(new Command(module, rest));
                yield true;
            }
            case "softdep" -> {
                String module = underscores(t.next());
                String rest = t.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                addSoftdep(module, rest);
                yield true;
            }
            case "weakdep" -> {
                if (!version.writesWeakdeps()) {
                    yield false;  // kmod 30 has no weakdep command
                }
                String module = underscores(t.next());
                String rest = t.rest();
                if (module == null || rest == null) {
                    yield false;
                }
                weakdeps.add(new Weakdep(module, blankSeparated(rest)));
                yield true;
            }
            case "include", "config" -> {
                log(Site.DEPRECATED, fn + ": command " + cmd + " is deprecated and not parsed anymore\n");
                yield true;
            }
            default -> false;
        };
        if (!ok) {
            log(Site.BAD_LINE, fn + " line " + line.number() + ": ignoring bad line starting with '" + cmd + "'\n");
        }
    }

    /**
     * A softdep's lists. Words after {@code pre:} go to pre, after {@code post:} to post,
     * words before either are dropped. modprobe -c prints, for each list, every word from
     * the list's first to its last as they stand in the line (so words of the other list in
     * between too), and nothing between the two lists: {@code pre: a bpost: c}.
     */
    void addSoftdep(String module, String line) {
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        List<String> kept = new ArrayList<>();  // pre and post words, in line order
        int preFirst = -1;
        int preLast = -1;
        int postFirst = -1;
        int postLast = -1;
        int mode = 0;
        for (String w : blankSeparated(line)) {
            if (w.equals("pre:")) {
                mode = 1;
            } else if (w.equals("post:")) {
                mode = 2;
            } else if (mode == 1) {
                pre.add(w);
                if (preFirst < 0) {
                    preFirst = kept.size();
                }
                preLast = kept.size();
                kept.add(w);
            } else if (mode == 2) {
                post.add(w);
                if (postFirst < 0) {
                    postFirst = kept.size();
                }
                postLast = kept.size();
                kept.add(w);
            }
        }
        StringBuilder text = new StringBuilder();
        if (preFirst >= 0) {
            text.append("pre: ").append(String.join(" ", kept.subList(preFirst, preLast + 1)));
        }
        if (postFirst >= 0) {
            text.append("post: ").append(String.join(" ", kept.subList(postFirst, postLast + 1)));
        }
        softdeps.add(new Softdep(module, pre, post));
        softdepTexts.add(text.toString());
    }

    /** A kernel command line word: an option, or modprobe's own blacklist. */
    @Override
    public void accept(String module, String param, String value) {
        if (module.equals("modprobe") && param.startsWith("blacklist=")) {
            String v = value == null ? "" : value;
            int from = 0;
            while (true) {
                int comma = v.indexOf(',', from);
                if (comma < 0) {
                    blacklist.add(v.substring(from));
                    break;
                }
                blacklist.add(v.substring(from, comma));
                from = comma + 1;
            }
            return;
        }
        String name = underscores(module);
        if (name == null) {
            log(Site.CMDLINE_MODULE, "Ignoring bad option on kernel command line while parsing module name: '"
                    + partlyUnderscored(module) + "'\n");
            return;
        }
        options.add(new Options(name, param.replace('\t', ' ')));
    }

    /** /proc/cmdline's text; null when it cannot be read (libkmod goes on without it). */
    String readProcCmdline() {
        if (!Files.isReadable(ModprobeConfig.PROC_CMDLINE)) {
            return null;  // libkmod skips a command line it cannot open, silently
        }
        try {
            return new String(FileBytes.readAll(ModprobeConfig.PROC_CMDLINE), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            log(Site.CMDLINE_READ, "could not read from '/proc/cmdline': "
                    + ErrnoException.of(e, "").errno().message() + "\n");
            return null;
        }
    }

    /** kmod's dash rule for names in its configuration, null for a missing or invalid name. */
    private static String underscores(String name) {
        if (name == null) {
            return null;
        }
        try {
            return ModuleName.normalizeAlias(name);
        } catch (ErrnoException e) {
            return null;
        }
    }

    /**
     * An invalid name as libkmod prints it: its dash rule works in place and stops at the
     * offending bracket, so dashes before it are already turned.
     */
    private static String partlyUnderscored(String name) {
        StringBuilder out = new StringBuilder(name);
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c == '-') {
                out.setCharAt(i, '_');
            } else if (c == ']') {
                break;
            } else if (c == '[') {
                int close = name.indexOf(']', i);
                if (close < 0) {
                    break;
                }
                i = close;
            }
        }
        return out.toString();
    }

    private static boolean isspace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    /**
     * The words of a softdep or weakdep value as libkmod splits it, on any C blank. One quirk
     * kept: a value that begins with exactly one blank keeps it on its first word
     * ({@code " pre: a"} gives the words {@code " pre:"} and {@code "a"}).
     */
    static List<String> blankSeparated(String line) {
        List<String> out = new ArrayList<>();
        int p = 0;
        boolean wasSpace = false;
        for (int s = 0; ; s++) {
            boolean end = s == line.length();
            if (!end) {
                if (!isspace(line.charAt(s))) {
                    wasSpace = false;
                    continue;
                }
                if (wasSpace) {
                    p = s + 1;
                    continue;
                }
                wasSpace = true;
                if (p >= s) {
                    continue;
                }
            }
            if (!end || !wasSpace) {
                out.add(line.substring(p, s));
            }
            p = s + 1;
            if (end) {
                return out;
            }
        }
    }
}
