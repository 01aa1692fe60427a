package org.modstack.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modstack.ErrnoException;
import org.modstack.depmod.Depmod;
import org.modstack.depmod.DepmodCache;
import org.modstack.depmod.DepmodConfig;
import org.modstack.depmod.DepmodException;
import org.modstack.depmod.IndexSet;
import org.modstack.depmod.UpToDate;
import org.modstack.index.KmodVersion;
import org.modstack.modprobe.LibkmodError;
import org.modstack.modprobe.ModprobeConfig;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.module.SymbolVersion;
import org.modstack.util.WorkingDirectory;

/** {@code depmod}: writes the module stacks of a tree as kmod's indexes. */
final class DepmodTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(
            Getopt.Spec.flag('a', "all"), Getopt.Spec.flag('A', "quick"), Getopt.Spec.value('b', "basedir"),
            Getopt.Spec.value('o', "outdir"), Getopt.Spec.value('C', "config"), Getopt.Spec.value('E', "symvers"),
            Getopt.Spec.value('F', "filesyms"), Getopt.Spec.flag('e', "errsyms"), Getopt.Spec.value('m', "moduledir"),
            Getopt.Spec.flag('u', "unresolved-error"), Getopt.Spec.flag('q', "quiet"), Getopt.Spec.flag('r', "root"),
            Getopt.Spec.flag('v', "verbose"), Getopt.Spec.flag('n', "show"), Getopt.Spec.flag('n', "dry-run"),
            Getopt.Spec.value('P', "symbol-prefix"), Getopt.Spec.flag('w', "warn"),
            Getopt.Spec.longOnly("kmod-version", Getopt.Arg.REQUIRED, "kmod-version"),
            Getopt.Spec.longOnly("map", Getopt.Arg.NONE, "map"), Getopt.Spec.longOnly("no-cache", Getopt.Arg.NONE, "no-cache"),
            Getopt.Spec.longOnly("cache-dir", Getopt.Arg.REQUIRED, "cache-dir"),
            Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help")));

    private static final String HELP = "Usage:\n"
            + "\t%s -[aA] [options] [forced_version]\n"
            + "\n"
            + "If no arguments (except options) are given, \"depmod -a\" is assumed\n"
            + "\n"
            + "depmod will output a dependency list suitable for the modprobe utility.\n"
            + "\n"
            + "Options:\n"
            + "\t-a, --all            Probe all modules\n"
            + "\t-A, --quick          Only does the work if there's a new module\n"
            + "\t-e, --errsyms        Report not supplied symbols\n"
            + "\t-n, --show           Write the dependency file on stdout only\n"
            + "\t-P, --symbol-prefix  Architecture symbol prefix\n"
            + "\t-C, --config=PATH    Read configuration from PATH\n"
            + "\t-v, --verbose        Enable verbose mode\n"
            + "\t-w, --warn           Warn on duplicates\n"
            + "\t-V, --version        show version\n"
            + "\t-h, --help           show this help\n"
            + "\n"
            + "The following options are useful for people managing distributions:\n"
            + "\t-b, --basedir=DIR    Root path (default: /).\n"
            + "\t-m, --moduledir=DIR  Module directory (default: " + Depmod.MODULE_DIRECTORY + ").\n"
            + "\t-o, --outdir=DIR     Output root path (default: same as <basedir>).\n"
            + "\t-F, --filesyms=FILE  Use the file instead of the\n"
            + "\t                     current kernel symbols.\n"
            + "\t-E, --symvers=FILE   Use Module.symvers file to check\n"
            + "\t                     symbol versions.\n"
            + "\t    --kmod-version=30|34  Write the indexes as that kmod release does (default 34).\n"
            + "\t    --no-cache       Read every module; neither use nor update the cache of their contents.\n"
            + "\t    --cache-dir=DIR  Keep that cache (" + DepmodCache.FILE_NAME + ") in DIR; e.g. the module\n"
            + "\t                     directory to keep it beside the indexes (default: a directory per\n"
            + "\t                     module directory under $XDG_CACHE_HOME/modstack/depmod).\n"
            + "\nAlso accepted, as by kmod: --dry-run (same as -n); and, deprecated (warned about, ignored):\n"
            + "-u, --unresolved-error; -q, --quiet; -r, --root; --map (-m is --moduledir, as in kmod 34).\n";

    private boolean maybeAll;
    private String root = "";
    private String moduleDirectory = Depmod.MODULE_DIRECTORY;
    private KmodVersion version = KmodVersion.KMOD34;
    private String outRoot;
    private final List<String> configPaths = new ArrayList<>();
    private String symvers;
    private String systemMap;
    private boolean reportUnknown;
    private int verbose;
    private boolean dryRun;
    private char prefix;
    private boolean warnDuplicates;
    private boolean noCache;
    private String cacheDir;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return HELP;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        String release;
        if (!operands.isEmpty()) {
            if (!Depmod.isVersionNumber(operands.get(0))) {
                io.error("Bad version passed " + operands.get(0) + "\n");
                return 1;
            }
            release = operands.get(0);
            operands = operands.subList(1, operands.size());
        } else {
            release = ModuleDirectory.runningRelease();
        }
        String moduleDir = fitted(io, Depmod.moduleDir(root, moduleDirectory, release));
        String outDir = outRoot == null || moduleDir == null ? moduleDir
                : fitted(io, Depmod.moduleDir(outRoot, moduleDirectory, release));
        if (outDir == null) {
            return 1;
        }
        if (maybeAll) {
            if (dryRun || UpToDate.check(Path.of(moduleDir), io::error)) {
                return 0;
            }
            operands = List.of();  // -A indexes the whole tree, whatever modules were named
        }
        return index(io, moduleDir, outDir, release, operands);
    }

    /**
     * A directory's name as depmod's PATH_MAX buffer holds it: kmod 30 cuts a longer one, kmod
     * 34 refuses it (null, said why).
     */
    private String fitted(ToolOutput io, String dirname) {
        try {
            return ModuleDirectory.fitted(dirname, version);
        } catch (ErrnoException e) {
            io.error("Bad directory " + dirname + ": path too long\n");
            return null;
        }
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        switch (o.key()) {
            case "a" -> { }
            case "A" -> maybeAll = true;
            case "b" -> root = WorkingDirectory.absolute(o.value());
            case "m" -> moduleDirectory = o.value();
            case "o" -> outRoot = WorkingDirectory.absolute(o.value());
            case "C" -> configPaths.add(o.value());
            case "E" -> symvers = o.value();
            case "F" -> systemMap = o.value();
            case "e" -> reportUnknown = true;
            case "v" -> verbose++;
            case "n" -> dryRun = true;
            case "w" -> warnDuplicates = true;
            case "P" -> {
                if (o.value().length() != 1) {
                    io.fatal("-P only takes a single char\n");
                    return 1;
                }
                prefix = o.value().charAt(0);
            }
            case "u", "q", "r", "map" -> io.warning("Ignored deprecated option "
                    + (o.longForm() ? "--" + o.spec().longName() : "-" + o.key()) + "\n");
            case "no-cache" -> noCache = true;
            case "cache-dir" -> cacheDir = o.value();
            case "kmod-version" -> {
                Optional<KmodVersion> named = kmodVersion(io, o.value());
                if (named.isEmpty()) {
                    return 1;
                }
                version = named.get();
            }
            default -> throw new IllegalStateException(o.key());
        }
        return null;
    }

    private int index(ToolOutput io, String moduleDir, String outDir, String release, List<String> modules)
            throws ErrnoException {
        // kmod_new reads the module directory's softdeps and the kernel command line, for nothing
        // but what it says about them
        ModprobeConfig.loadWithoutPaths(moduleDir, version, io.reporter(ToolOutput.Report.AS_IS));
        Depmod.Log log = log(io);
        // depmod gives libkmod its logger, which libkmod reports at -vv with the function's address
        libkmodInfo(log, LibkmodError.logFunctionRegistered());
        Optional<List<SymbolVersion>> kernel;
        try {
            kernel = kernelSymbols(log);
        } catch (ErrnoException e) {
            io.fatal("could not load " + (symvers != null ? symvers : systemMap) + ": " + e.errno().message() + "\n");
            return 1;
        }
        for (String m : modules) {
            if (!m.startsWith("/")) {
                io.fatal(m + ": not absolute path.\n");
                return 1;
            }
            if (!Files.exists(Path.of(m))) {
                io.fatal("could not create module " + m + ": No such file or directory\n");
                return 1;
            }
        }
        DepmodConfig config = modules.isEmpty()
                ? DepmodConfig.load(configPaths.isEmpty() ? DepmodConfig.DEFAULT_PATHS : configPaths, release,
                        m -> io.error(m.text()))
                : DepmodConfig.load(List.of(), release, m -> { });
        Depmod.Options options = new Depmod.Options(moduleDir, outDir, release, config, modules, kernel,
                symvers != null, reportUnknown && kernel.isPresent(), warnDuplicates, prefix, version,
                cache(moduleDir), dryRun);
        List<IndexSet.File> files;
        try {
            files = Depmod.run(options, log);
        } catch (ErrnoException e) {
            io.fatal("could not search modules: " + e.errno().message() + "\n");
            return 1;
        } catch (DepmodException e) {
            if (!e.getMessage().isEmpty()) {
                io.fatal(e.getMessage());
            }
            released(log);
            return 1;
        }
        int status = publish(io, files, outDir);
        released(log);
        return status;
    }

    /** What libkmod says at -vv as depmod lets go of its context, once the modules were loaded. */
    private void released(Depmod.Log log) {
        libkmodInfo(log, LibkmodError.contextReleased());
    }

    private void libkmodInfo(Depmod.Log log, LibkmodError message) {
        log.info(message.forModprobe(version));
    }

    /** Where the cache lives: never in the tree unless asked (it would ship in an initramfs). */
    private Optional<Path> cache(String moduleDir) {
        if (noCache) {
            return Optional.empty();
        }
        return Optional.of(cacheDir != null ? Path.of(cacheDir) : DepmodCache.defaultDirectory(Path.of(moduleDir)));
    }

    private int publish(ToolOutput io, List<IndexSet.File> files, String outDir) throws ErrnoException {
        if (dryRun) {
            for (IndexSet.File f : files) {
                io.print(new String(f.bytes(), StandardCharsets.ISO_8859_1));
            }
            return 0;
        }
        try {
            IndexSet.write(Path.of(outDir), files);
        } catch (ErrnoException e) {
            io.fatal("could not write indexes in " + outDir + ": " + e.errno().message() + "\n");
            return 1;
        }
        return 0;
    }

    private Optional<List<SymbolVersion>> kernelSymbols(Depmod.Log log) throws ErrnoException {
        if (symvers != null) {
            return Optional.of(Depmod.symvers(Path.of(symvers), prefix, log));
        }
        if (systemMap != null) {
            return Optional.of(Depmod.systemMap(Path.of(systemMap), prefix, log));
        }
        if (reportUnknown) {
            log.warning("-e needs -E or -F\n");
        }
        return Optional.empty();
    }

    private Depmod.Log log(ToolOutput io) {
        boolean show = verbose > 0;
        boolean info = verbose > 1;
        return new Depmod.Log() {
            @Override
            public void error(String message) {
                io.error(message);
            }

            @Override
            public void warning(String message) {
                io.warning(message);
            }

            @Override
            public void info(String message) {
                if (info) {
                    io.printErr(io.tool() + ": INFO: " + message);
                }
            }

            @Override
            public void show(String message) {
                if (show) {
                    io.print(message);
                }
            }

            @Override
            public boolean shows() {
                return show;
            }
        };
    }
}
