package org.modstack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.index.IndexFile;
import org.modstack.index.KmodVersion;
import org.modstack.kernel.KernelDescription;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.KernelState;
import org.modstack.modprobe.LibkmodError;
import org.modstack.modprobe.Modprobe;
import org.modstack.modprobe.ModprobeConfig;
import org.modstack.modprobe.ModuleDirectory;

/**
 * {@code modprobe}: loads (or plans, or shows) a whole stack by one name, as kmod's does.
 * It acts on a virtual kernel only when one is named ({@link KernelChoice}): loading and removing
 * change it, and its tree is the default module directory; otherwise it acts on the running
 * system exactly as kmod's does.
 */
final class ModprobeTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(
            Getopt.Spec.flag('a', "all"), Getopt.Spec.flag('r', "remove"),
            Getopt.Spec.longOnly("remove-dependencies", Getopt.Arg.NONE, "remove-holders"),
            Getopt.Spec.longOnly("remove-holders", Getopt.Arg.NONE, "remove-holders"),
            Getopt.Spec.value('w', "wait"), Getopt.Spec.flag('R', "resolve-alias"),
            Getopt.Spec.longOnly("first-time", Getopt.Arg.NONE, "first-time"),
            Getopt.Spec.flag('i', "ignore-install"), Getopt.Spec.flag('i', "ignore-remove"),
            Getopt.Spec.flag('b', "use-blacklist"), Getopt.Spec.flag('f', "force"),
            Getopt.Spec.longOnly("force-modversion", Getopt.Arg.NONE, "force-modversion"),
            Getopt.Spec.longOnly("force-vermagic", Getopt.Arg.NONE, "force-vermagic"),
            Getopt.Spec.flag('D', "show-depends"), Getopt.Spec.flag('c', "showconfig"),
            Getopt.Spec.flag('c', "show-config"),
            Getopt.Spec.longOnly("show-modversions", Getopt.Arg.NONE, "show-modversions"),
            Getopt.Spec.longOnly("dump-modversions", Getopt.Arg.NONE, "show-modversions"),
            Getopt.Spec.longOnly("show-exports", Getopt.Arg.NONE, "show-exports"),
            Getopt.Spec.flag('n', "dry-run"), Getopt.Spec.flag('n', "show"),
            Getopt.Spec.value('C', "config"), Getopt.Spec.value('d', "dirname"), Getopt.Spec.value('S', "set-version"),
            Getopt.Spec.flag('s', "syslog"), Getopt.Spec.flag('q', "quiet"), Getopt.Spec.flag('v', "verbose"),
            Getopt.Spec.longOnly("kernel-cmdline", Getopt.Arg.REQUIRED, "kernel-cmdline"),
            Getopt.Spec.longOnly("kmod-version", Getopt.Arg.REQUIRED, "kmod-version"),
            Getopt.Spec.flag('J', "json"),
            Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"), KernelChoice.OPTION));


    private boolean all;
    private boolean remove;
    private boolean lookupOnly;
    private boolean firstTime;
    private boolean removeHolders;
    private boolean ignoreCommands;
    private boolean useBlacklist;
    private boolean show;
    private boolean dryRun;
    private boolean ignoreLoaded;
    private boolean showConfig;
    private boolean showModversions;
    private boolean showExports;
    private final List<String> configPaths = new ArrayList<>();
    private String root;
    private String release;
    private final ModprobeLog log = new ModprobeLog();
    private String kernelCmdline;
    private KmodVersion version = KmodVersion.KMOD30;
    private final KernelChoice kernelChoice = new KernelChoice();
    private boolean forceModversion;
    private boolean forceVermagic;
    private boolean json;
    private boolean syslog;
    private long waitMillis;
    /** The plan as JSON ({@code -J} with {@code -D} or {@code -n}), or null for modprobe's lines. */
    private ModprobePlanJson plan;
    private VirtualKernel virtual;
    /** The virtual kernel's command line, read for module options unless --kernel-cmdline names one. */
    private String cmdlineText;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return ModprobeHelp.TEXT + KernelChoice.HELP
                + "\t-J, --json        with -D or -n: the load plan as JSON (docs/json.md)\n";
    }

    @Override
    protected int operate(ToolOutput io, List<String> names) throws ErrnoException {
        if (syslog) {
            io.toSystemLog();
        }
        if (!showConfig && names.isEmpty()) {
            io.error("missing parameters. See -h.\n");
            return 1;
        }
        if (kernelChoice.named().isEmpty()) {
            return operate(io, names, KernelState.live());
        }
        try (KernelStore store = kernelChoice.open()) {
            virtual = store.kernel();
            KernelDescription d = virtual.description();
            if (root == null && release == null) {
                root = d.root().toString();
                release = d.release();
            }
            if (kernelCmdline == null) {
                cmdlineText = d.cmdline();
            }
            int status = operate(io, names, virtual.asKernelState(io.reporter(ToolOutput.Report.ERROR_LINE)));
            store.save();
            return status;
        }
    }

    /** The run on {@code kernel}; one that logs a FATAL message ends there, what it did kept. */
    private int operate(ToolOutput io, List<String> names, KernelState kernel) throws ErrnoException {
        try {
            int status = probe(io, names, kernel);
            log.info(io, LibkmodError.contextReleased().forModprobe(version));
            return status;
        } catch (ModprobeLog.Fatal e) {
            return 1;
        }
    }

    private int probe(ToolOutput io, List<String> names, KernelState kernel) throws ErrnoException {
        ModuleDirectory dir;
        try {
            dir = root != null || release != null
                    ? ModuleDirectory.given(root == null ? "" : root, Optional.ofNullable(release), version)
                    : ModuleDirectory.of(Optional.empty(), Optional.empty());
        } catch (ErrnoException e) {
            return KmodMessages.badDirectory(io, e);
        }
        Optional<String> cmdline = Optional.ofNullable(cmdlineText);
        if (kernelCmdline != null) {
            try {
                cmdline = Optional.of(new String(Files.readAllBytes(Path.of(kernelCmdline)),
                        StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                io.fatal("could not read " + kernelCmdline + ": " + ErrnoException.of(e, kernelCmdline).errno().message()
                        + "\n");
                return 1;
            }
        }
        ModprobeConfig settings = ModprobeConfig.load(configPaths, Optional.of(dir.dirname()), cmdline, version,
                io.reporter(ToolOutput.Report.AS_IS));
        log.info(io, LibkmodError.logFunctionRegistered().forModprobe(version));
        LibkmodLog libkmodLog = new LibkmodLog(io.reporter(ToolOutput.Report.ERROR), version);
        dir = dir.asModprobeReadsIt(libkmodLog);
        Modprobe modprobe = new Modprobe(dir, settings, kernel, libkmodLog);
        int err;
        // kmod's order: -c, then the modversions and exports modes (first argument only), -r, -a
        if (showConfig) {
            return showConfig(io, settings, dir);
        } else if (showModversions) {
            return ModuleSymbolsOutput.showModversions(io, names.get(0), log, version);
        } else if (showExports) {
            return ModuleSymbolsOutput.showExports(io, names.get(0), log, version);
        } else if (json) {
            return planJson(io, modprobe, dir, names);
        } else if (remove) {
            err = 0;
            for (String n : names) {
                int r = rmmod(io, modprobe, n);
                modprobe.release();
                if (r < 0) {
                    err = r;
                }
            }
        } else if (all) {
            err = 0;
            for (String n : names) {
                int r = insmod(io, modprobe, dir, n, null);
                modprobe.release();
                if (r < 0) {
                    err = r;
                }
            }
        } else {
            err = insmod(io, modprobe, dir, names.get(0), optionsFromArgs(names.subList(1, names.size())));
        }
        return err >= 0 ? 0 : 1;
    }

    /** {@code -D --json}, {@code -n --json}: the load plan of the first name (of each under {@code -a}). */
    private int planJson(ToolOutput io, Modprobe modprobe, ModuleDirectory dir, List<String> names)
            throws ErrnoException {
        if (!dryRun || remove || lookupOnly) {
            io.error("--json prints a load plan: use it with -D or -n, without -r or -R\n");
            return 1;
        }
        plan = new ModprobePlanJson(io);
        int err = 0;
        List<String> targets = all ? names : names.subList(0, 1);
        try {
            for (String n : targets) {
                int r = insmod(io, modprobe, dir, n, all ? null : optionsFromArgs(names.subList(1, names.size())));
                modprobe.release();
                err = r < 0 ? r : err;
            }
        } finally {
            plan.close();  // the plan so far, the failure in it
        }
        return err >= 0 ? 0 : 1;
    }

    /** {@code -c}: the configuration, then every alias and symbol alias of the indexes. */
    private static int showConfig(ToolOutput io, ModprobeConfig settings, ModuleDirectory dir) throws ErrnoException {
        io.print(settings.dump());
        for (ModuleDirectory.Index i : List.of(ModuleDirectory.Index.ALIAS, ModuleDirectory.Index.SYMBOL)) {
            Optional<IndexFile> idx = dir.index(i);
            if (idx.isPresent()) {
                idx.get().forEach((k, v) -> io.print("alias ").print(k).print(' ').print(v).print('\n'));
            }
        }
        return 0;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        switch (o.key()) {
            case "a" -> {
                all = true;
                log.warnOnly();
            }
            case "r" -> remove = true;
            case "remove-holders" -> removeHolders = true;
            case "force-modversion" -> forceModversion = true;
            case "force-vermagic" -> forceVermagic = true;
            case "f" -> {
                forceModversion = true;
                forceVermagic = true;
            }
            case "s" -> syslog = true;
            case "kernel" -> kernelChoice.set(o.value());
            case "w" -> {
                if (!o.value().matches("0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")) {
                    io.error("unexpected wait value '" + o.value() + "'.\n");
                    return 1;
                }
                waitMillis = Long.decode(o.value());  // strtoul base 0: hex, octal or decimal
            }
            case "first-time" -> firstTime = true;
            case "kernel-cmdline" -> kernelCmdline = o.value();
            case "kmod-version" -> {
                Optional<KmodVersion> named = kmodVersion(io, o.value());
                if (named.isEmpty()) {
                    return 1;
                }
                version = named.get();
            }
            case "i" -> ignoreCommands = true;
            case "b" -> useBlacklist = true;
            case "D" -> {
                ignoreLoaded = true;
                dryRun = true;
                show = true;
            }
            case "R" -> lookupOnly = true;
            case "c" -> showConfig = true;
            case "show-modversions" -> showModversions = true;
            case "show-exports" -> showExports = true;
            case "n" -> dryRun = true;
            case "J" -> json = true;
            case "C" -> configPaths.add(o.value());
            case "d" -> root = o.value();
            case "S" -> release = o.value();
            case "q" -> log.quiet();
            case "v" -> log.louder();
            default -> throw new IllegalStateException(o.key());
        }
        return null;
    }

    private int insmod(ToolOutput io, Modprobe modprobe, ModuleDirectory dir, String alias, String extra)
            throws ErrnoException {
        List<Modprobe.Mod> found = toInsert(io, modprobe, dir, alias);
        if (found.isEmpty()) {
            return -Errno.ENOENT.number();
        }
        Modprobe.Flags flags = new Modprobe.Flags(ignoreLoaded, ignoreCommands, useBlacklist, firstTime, dryRun,
                forceModversion, forceVermagic);
        boolean print = show || log.showsActions();
        int err = 0;
        for (Modprobe.Mod m : found) {
            if (lookupOnly) {
                io.print(m.name() + "\n");
                continue;
            }
            try {
                modprobe.probe(m, flags, extra, new Shown(io, plan, print));
                err = 0;
            } catch (ErrnoException e) {
                err = -e.errno().number();
                io.error(KmodMessages.modprobeInsertFailed(m.name(), e.errno()));
            }
        }
        return err;
    }

    /**
     * The modules a name given to load stands for, as modprobe finds them: looked up, or under
     * kmod 34 the file a name starting with {@code /} or {@code ./} is; none, said why, when
     * nothing is found.
     */
    private List<Modprobe.Mod> toInsert(ToolOutput io, Modprobe modprobe, ModuleDirectory dir, String alias) {
        if (version != KmodVersion.KMOD30 && (alias.startsWith("/") || alias.startsWith("./"))) {
            try {
                return List.of(modprobe.fromPath(alias));
            } catch (ErrnoException e) {
                log.log(io, "Failed to get module from path " + alias + ": " + e.errno().message() + "\n");
                return List.of();
            }
        }
        List<Modprobe.Mod> found;
        try {
            found = modprobe.lookup(alias);
        } catch (ErrnoException e) {
            found = List.of();
        }
        if (found.isEmpty()) {
            log.log(io, "Module " + alias + " not found in directory " + dir.dirname() + "\n");
        }
        return found;
    }

    /** libkmod's errors as modprobe's logger prints them (a class: modprobe -D links no lambda). */
    private record LibkmodLog(Consumer<String> reporter, KmodVersion version) implements Consumer<LibkmodError> {
        @Override
        public void accept(LibkmodError e) {
            reporter.accept(e.forModprobe(version));
        }
    }

    /** Each action of a probe: a step of the JSON plan, or printed (--show, -v), or neither. */
    private record Shown(ToolOutput io, ModprobePlanJson plan, boolean print) implements Consumer<Modprobe.Action> {
        @Override
        public void accept(Modprobe.Action a) {
            if (plan != null) {
                plan.step(a);
            } else if (print) {
                io.print(a.line());
            }
        }
    }

    private int rmmod(ToolOutput io, Modprobe modprobe, String alias) throws ErrnoException {
        List<Modprobe.Mod> found;
        try {
            found = modprobe.lookup(alias);
        } catch (ErrnoException e) {
            return -e.errno().number();
        }
        if (found.isEmpty()) {
            log.log(io, "Module " + alias + " not found.\n");
            return -Errno.ENOENT.number();
        }
        boolean print = show || log.showsActions();
        Modprobe.RemoveOutput out = new Modprobe.RemoveOutput() {
            @Override
            public void log(String message) {
                log.log(io, message);
            }

            @Override
            public void show(String line) {
                if (print) {
                    io.print(line);
                }
            }

            @Override
            public void removeFailed(String name, ErrnoException e) {
                io.error(KmodMessages.removeFailed(name, e.errno()));
            }

            @Override
            public void waitFailed(String name, ErrnoException e) {
                io.error("could not remove '" + name + "': " + e.errno().message() + "\n");
            }
        };
        Modprobe.RemoveFlags flags = new Modprobe.RemoveFlags(ignoreLoaded, ignoreCommands, firstTime, removeHolders,
                dryRun, forceModversion && forceVermagic, waitMillis);
        for (Modprobe.Mod m : found) {
            try {
                modprobe.remove(m, flags, out);
            } catch (ErrnoException e) {
                return -e.errno().number();
            }
        }
        return 0;
    }

    /** modprobe's joining of parameters given after the name: a value with spaces is quoted. */
    static String optionsFromArgs(List<String> params) {
        if (params.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String p : params) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            int eq = p.indexOf('=');
            String value = eq < 0 ? null : p.substring(eq + 1);
            if (value != null && !value.startsWith("\"") && !value.startsWith("'") && value.contains(" ")) {
                sb.append(p, 0, eq + 1).append('"').append(value).append('"');
            } else {
                sb.append(p);
            }
        }
        return sb.toString();
    }
}
