package org.modstack.modprobe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.index.KmodVersion;
import org.modstack.module.ModuleName;
import org.modstack.util.ConfigFiles;
import org.modstack.util.Fnmatch;
import org.modstack.util.FnmatchList;
import org.modstack.util.WorkingDirectory;

/**
 * modprobe's configuration as libkmod holds it: the {@code modprobe.d} files, the module
 * directory's {@code modules.softdep} (and, from kmod 33, {@code modules.weakdep}), and the
 * kernel command line. Immutable; it never prints.
 *
 * <p><b>Sources, in the order they are read.</b> The files of the configuration paths (files,
 * or directories of {@code *.conf}; kmod 30 also takes {@code *.alias}) and the module
 * directory's {@code modules.softdep}/{@code modules.weakdep} are sorted together by base name,
 * byte order; a name met first wins, the module directory's files first, then each path in
 * turn. The kernel command line comes last: {@code module.param=value} words become options of
 * the module, {@code modprobe.blacklist=a,b} blacklists.
 *
 * <p><b>Commands.</b> {@code alias <pattern> <module>}, {@code blacklist <module>},
 * {@code options <module> <options>}, {@code install|remove <module> <command>},
 * {@code softdep <module> [pre: ...] [post: ...]}, and from kmod 33 {@code weakdep <module>
 * <modules>}. {@code include} and {@code config} are reported as deprecated; anything else, a
 * missing argument, or a name with an unbalanced {@code [}/{@code ]} is a bad line. Module names
 * and alias patterns of the files get kmod's dash rule ({@code -} becomes {@code _} outside
 * brackets); names on the kernel command line get it too except blacklisted ones. Every list
 * keeps the order the lines were read in.
 *
 * <p><b>Messages.</b> Problems are handed to the {@code log} consumer as the complete text
 * kmod's modprobe writes to standard error at its default verbosity (and with {@code -q} too,
 * since libkmod reads its configuration before the tool sets its log level), e.g.
 * {@code libkmod: ERROR ../libkmod/libkmod-config.c:712 kmod_config_parse: /etc/modprobe.d/x.conf
 * line 3: ignoring bad line starting with 'foo'\n} for kmod 30, whose Debian build logs source
 * positions, or {@code libkmod: ERROR: kmod_config_parse: ...} for kmod 34.
 *
 * <p><b>Text.</b> Strings hold one char per byte of the files (ISO-8859-1), and so does
 * {@link #dump()}: write it as ISO-8859-1.
 */
public final class ModprobeConfig {

    /** The directories kmod 30 reads when no {@code -C} is given, in precedence order. */
    public static final List<String> DEFAULT_PATHS_KMOD30 =
            List.of("/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d");

    /** Debian trixie's kmod 34 adds its {@code DISTCONFDIR}, {@code /usr/lib/modprobe.d}. */
    public static final List<String> DEFAULT_PATHS_KMOD34 = List.of("/etc/modprobe.d", "/run/modprobe.d",
            "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d");

    /** Where libkmod reads the kernel command line. */
    public static final Path PROC_CMDLINE = Path.of("/proc/cmdline");

    /** An {@code alias} line: names matching {@code pattern} (fnmatch) resolve to {@code module}. */
    public record Alias(String pattern, String module) {
    }

    /** An {@code options} line, or one {@code module.param=value} of the kernel command line. */
    public record Options(String module, String options) {
    }

    /** An {@code install} or {@code remove} line; {@code module} is an fnmatch pattern. */
    public record Command(String module, String command) implements FnmatchList.Entry {
    }

    /**
     * A {@code softdep} line: the modules to load before ({@code pre}) and after ({@code post})
     * the modules matching {@code module} (an fnmatch pattern), in the order written. The names
     * are kept as written (no dash rule), and so is a leading blank kmod keeps in a first name.
     */
    public record Softdep(String module, List<String> pre, List<String> post) implements FnmatchList.Entry {
        public Softdep {
            pre = List.copyOf(pre);
            post = List.copyOf(post);
        }
    }

    /** A {@code weakdep} line (kmod 33 and later): modules that may be wanted by {@code module}. */
    public record Weakdep(String module, List<String> deps) implements FnmatchList.Entry {
        public Weakdep {
            deps = List.copyOf(deps);
        }
    }

    private final KmodVersion version;
    private final List<Alias> aliases;
    private final List<String> blacklist;
    private final List<Options> options;
    private final FnmatchList<Command> installCommands;
    private final FnmatchList<Command> removeCommands;
    private final FnmatchList<Softdep> softdeps;
    private final List<String> softdepTexts;  // each softdep as modprobe -c prints its value
    private final FnmatchList<Weakdep> weakdeps;

    private ModprobeConfig(ModprobeConfigParser b) {
        version = b.version;
        aliases = List.copyOf(b.aliases);
        blacklist = List.copyOf(b.blacklist);
        options = List.copyOf(b.options);
        installCommands = new FnmatchList<>(b.installCommands);
        removeCommands = new FnmatchList<>(b.removeCommands);
        softdeps = new FnmatchList<>(b.softdeps);
        softdepTexts = List.copyOf(b.softdepTexts);
        weakdeps = new FnmatchList<>(b.weakdeps);
    }

    /** The directories the given kmod release reads when no {@code -C} is given. */
    public static List<String> defaultPaths(KmodVersion version) {
        return version == KmodVersion.KMOD30 ? DEFAULT_PATHS_KMOD30 : DEFAULT_PATHS_KMOD34;
    }

    /** {@link #load(List, Optional, Optional, KmodVersion, Consumer)} as kmod 30 reads it. */
    public static ModprobeConfig load(List<String> paths, Optional<String> moduleDir, Optional<String> kernelCmdline,
                                      Consumer<String> log) {
        return load(paths, moduleDir, kernelCmdline, KmodVersion.KMOD30, log);
    }

    /**
     * Reads the configuration as libkmod's {@code kmod_new} does.
     *
     * @param paths the configuration paths, as given ({@code -C}); empty for
     *     {@link #defaultPaths(KmodVersion)}
     * @param moduleDir the module directory as kmod names it ({@code <root>/lib/modules/<release>},
     *     or {@code -d}/{@code -S}'s; a relative one is taken from the working directory, as kmod
     *     does), whose {@code modules.softdep} (and for kmod 34 {@code modules.weakdep}) is read;
     *     empty for none
     * @param kernelCmdline the kernel command line's text; empty to read {@link #PROC_CMDLINE}
     *     (nothing when it cannot be opened); {@code Optional.of("")} for none
     * @param version whose behaviour to follow where kmod 30 and 34 differ
     * @param log receives each message as kmod would write it to standard error
     */
    public static ModprobeConfig load(List<String> paths, Optional<String> moduleDir, Optional<String> kernelCmdline,
                                      KmodVersion version, Consumer<String> log) {
        return read(paths.isEmpty() ? defaultPaths(version) : paths, moduleDir, kernelCmdline, version, log);
    }

    /**
     * What libkmod's {@code kmod_new} reads for a tool that gives it no configuration directory
     * (depmod, modinfo): the module directory's {@code modules.softdep} (and kmod 34's
     * {@code modules.weakdep}) and the kernel command line, telling {@code log} what is wrong.
     */
    public static ModprobeConfig loadWithoutPaths(String moduleDir, KmodVersion version, Consumer<String> log) {
        return read(List.of(), Optional.of(moduleDir), Optional.empty(), version, log);
    }

    private static ModprobeConfig read(List<String> configPaths, Optional<String> moduleDir,
                                       Optional<String> kernelCmdline, KmodVersion version, Consumer<String> log) {
        Objects.requireNonNull(version);
        ModprobeConfigParser b = new ModprobeConfigParser(version, log);
        List<ConfigFiles.Entry> seeded = new ArrayList<>();
        if (moduleDir.isPresent()) {
            String dir = WorkingDirectory.absolute(moduleDir.get());
            seeded.add(new ConfigFiles.Entry("modules.softdep", dir + "/modules.softdep", false));
            if (version.writesWeakdeps()) {
                seeded.add(new ConfigFiles.Entry("modules.weakdep", dir + "/modules.weakdep", false));
            }
        }
        for (ConfigFiles.Entry e : ConfigFiles.list(seeded, configPaths, b.names(), b.listing())) {
            b.readFile(e);
        }
        String cmdline;
        if (kernelCmdline.isPresent()) {
            cmdline = kernelCmdline.get();
        } else {
            cmdline = b.readProcCmdline();
        }
        if (cmdline != null) {
            KernelCmdline.parse(cmdline, b);
        }
        return new ModprobeConfig(b);
    }

    /** The kmod release whose behaviour this configuration follows. */
    public KmodVersion version() {
        return version;
    }

    /** Every alias, in the order read. */
    public List<Alias> aliases() {
        return aliases;
    }

    /**
     * The aliases whose pattern matches {@code name} (fnmatch), in the order read, as libkmod's
     * first lookup for a name. {@code name} should already follow the dash rule
     * ({@link ModuleName#normalizeAlias}), as modprobe's lookup key does.
     */
    public List<Alias> aliasesMatching(String name) {
        List<Alias> out = new ArrayList<>();
        for (Alias a : aliases) {
            if (Fnmatch.matches(a.pattern(), name)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Every blacklisted name, in the order read (kernel command line ones last, as written). */
    public List<String> blacklist() {
        return blacklist;
    }

    /** Whether {@code module} (a module name, normalized as kmod does) is blacklisted: exact names, no patterns. */
    public boolean isBlacklisted(String module) {
        return blacklist.contains(ModuleName.normalize(module));
    }

    /** Every options line, in the order read, kernel command line ones last. */
    public List<Options> options() {
        return options;
    }

    /**
     * The options for {@code module}, as {@code kmod_module_get_options} joins them: the text of
     * every options entry naming exactly this module, in order, empty ones skipped, joined by one
     * space and otherwise kept as written (blanks included, tabs turned into spaces); {@code ""}
     * when there are none.
     */
    public String options(String module) {
        return options(module, null);
    }

    /**
     * The options for {@code module} found through {@code alias} (libkmod's {@code mod->alias}:
     * the matching config alias pattern, or the key of a modules.alias lookup; null for none):
     * entries naming either are joined in the order read.
     */
    public String options(String module, String alias) {
        String name = ModuleName.normalize(module);
        String joined = "";  // built only for a module that has options: modprobe -a asks once per module
        for (Options o : options) {
            boolean applies = o.module().equals(name) || (alias != null && o.module().equals(alias));
            if (applies && !o.options().isEmpty()) {
                joined = joined.isEmpty() ? o.options() : joined + " " + o.options();
            }
        }
        return joined;
    }

    /** Every install command, in the order read. */
    public List<Command> installCommands() {
        return installCommands.entries();
    }

    /** Every remove command, in the order read. */
    public List<Command> removeCommands() {
        return removeCommands.entries();
    }

    /** The command of the first install line naming exactly {@code module} (a lookup by command). */
    public Optional<String> installCommandFor(String module) {
        Optional<Command> c = named(installCommands, module);
        return c.isPresent() ? Optional.of(c.get().command()) : Optional.empty();
    }

    /** Whether a remove line names exactly {@code module} (a lookup by command). */
    public boolean hasRemoveCommandFor(String module) {
        return named(removeCommands, module).isPresent();
    }

    /** The first of {@code commands} whose module field is exactly {@code module}, not matched as a pattern. */
    private static Optional<Command> named(FnmatchList<Command> commands, String module) {
        for (Command c : commands.entries()) {
            if (c.module().equals(module)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Whether an install or remove line names exactly {@code module}: modprobe then takes it for a module. */
    public boolean hasCommandFor(String module) {
        return installCommandFor(module).isPresent() || hasRemoveCommandFor(module);
    }

    /** The command of the first install line whose pattern matches {@code module} (fnmatch). */
    public Optional<String> installCommand(String module) {
        return firstCommand(installCommands, module);
    }

    /** The command of the first remove line whose pattern matches {@code module} (fnmatch). */
    public Optional<String> removeCommand(String module) {
        return firstCommand(removeCommands, module);
    }

    private static Optional<String> firstCommand(FnmatchList<Command> commands, String module) {
        Optional<Command> c = commands.first(ModuleName.normalize(module));
        return c.isPresent() ? Optional.of(c.get().command()) : Optional.empty();
    }

    /** Every softdep line, in the order read. */
    public List<Softdep> softdeps() {
        return softdeps.entries();
    }

    /**
     * The first softdep line whose pattern matches {@code module} (fnmatch): libkmod uses that
     * one only, later lines for the same module are ignored, not merged.
     */
    public Optional<Softdep> softdep(String module) {
        return softdeps.first(ModuleName.normalize(module));
    }

    /** Every weakdep line, in the order read; always empty for kmod 30. */
    public List<Weakdep> weakdepLines() {
        return weakdeps.entries();
    }

    /** The modules of the first weakdep line whose pattern matches {@code module} (fnmatch); empty if none. */
    public List<String> weakdeps(String module) {
        Optional<Weakdep> w = weakdeps.first(ModuleName.normalize(module));
        return w.isPresent() ? w.get().deps() : List.of();
    }

    /**
     * The configuration part of {@code modprobe -c}: blacklists, install and remove commands,
     * aliases, options, softdeps (and kmod 34's weakdeps), then the line announcing the index
     * dumps. modprobe then dumps {@code modules.alias.bin} and {@code modules.symbols.bin} of the
     * module directory (nothing when they are missing); that part is not included here.
     */
    public String dump() {
        StringBuilder out = new StringBuilder();
        for (String m : blacklist) {
            out.append("blacklist ").append(m).append('\n');
        }
        for (Command c : installCommands.entries()) {
            out.append("install ").append(c.module()).append(' ').append(c.command()).append('\n');
        }
        for (Command c : removeCommands.entries()) {
            out.append("remove ").append(c.module()).append(' ').append(c.command()).append('\n');
        }
        for (Alias a : aliases) {
            out.append("alias ").append(a.pattern()).append(' ').append(a.module()).append('\n');
        }
        for (Options o : options) {
            out.append("options ").append(o.module()).append(' ').append(o.options()).append('\n');
        }
        List<Softdep> lines = softdeps.entries();
        for (int i = 0; i < lines.size(); i++) {
            out.append("softdep ").append(lines.get(i).module()).append(' ').append(softdepTexts.get(i)).append('\n');
        }
        for (Weakdep w : weakdeps.entries()) {
            out.append("weakdep ").append(w.module()).append(' ').append(String.join(" ", w.deps())).append('\n');
        }
        out.append("\n# End of configuration files. Dumping indexes now:\n\n");
        return out.toString();
    }
}
