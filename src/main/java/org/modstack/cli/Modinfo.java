package org.modstack.cli;

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
import org.modstack.kernel.KernelStore;
import org.modstack.modprobe.LibkmodError;
import org.modstack.modprobe.ModprobeConfig;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.modprobe.ModuleLookup;
import org.modstack.module.Compression;
import org.modstack.module.KernelModule;
import org.modstack.module.ModinfoEntry;
import org.modstack.module.ModuleName;
import org.modstack.module.ModuleSignature;
import org.modstack.module.Parameter;
import org.modstack.util.WorkingDirectory;

/** {@code modinfo}: shows what a module's {@code .modinfo} and signature say, as kmod's does. */
final class Modinfo extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(
            Getopt.Spec.flag('a', "author"), Getopt.Spec.flag('d', "description"),
            Getopt.Spec.flag('l', "license"), Getopt.Spec.flag('p', "parameters"),
            Getopt.Spec.flag('n', "filename"), Getopt.Spec.flag('0', "null"),
            Getopt.Spec.flag('m', "modname"), Getopt.Spec.value('F', "field"),
            Getopt.Spec.value('k', "set-version"), Getopt.Spec.value('b', "basedir"),
            Getopt.Spec.flag('J', "json"), Getopt.Spec.flag('H', "with-filename"),
            Getopt.Spec.longOnly("kmod-version", Getopt.Arg.REQUIRED, "kmod-version"),
            Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"), KernelChoice.OPTION));

    /** kmod's text exactly (the conformance suite compares it); modstack's own options follow it. */
    private static final String HELP = "Usage:\n"
            + "\t%s [options] <modulename|filename> [args]\n"
            + "Options:\n"
            + "\t-a, --author                Print only 'author'\n"
            + "\t-d, --description           Print only 'description'\n"
            + "\t-l, --license               Print only 'license'\n"
            + "\t-p, --parameters            Print only 'parm'\n"
            + "\t-n, --filename              Print only 'filename'\n"
            + "\t-0, --null                  Use \\0 instead of \\n\n"
            + "\t-m, --modname               Handle argument as module name instead of alias or filename\n"
            + "\t-F, --field=FIELD           Print only provided FIELD\n"
            + "\t-k, --set-version=VERSION   Use VERSION instead of `uname -r`\n"
            + "\t-b, --basedir=DIR           Use DIR as filesystem root for /lib/modules\n"
            + "\t-V, --version               Show version\n"
            + "\t-h, --help                  Show this help\n";

    private static final String SPACES = "               ";

    private ToolOutput io;
    private String field;
    private char separator = '\n';
    private boolean argIsModname;
    private String kernelVersion;
    private String basedir;
    private boolean json;
    private ModinfoJson jsonOut;
    private boolean withFilename;
    private KmodVersion version = KmodVersion.KMOD30;
    /** What each record starts with: {@code FILE: } under {@code -H}, else nothing (kmod's output). */
    private String prefix = "";

    private final KernelChoice kernel = new KernelChoice();

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return HELP + KernelChoice.HELP.replace("act on", "look names up in")
                + "\t-J, --json                  One JSON object per module (docs/json.md)\n"
                + "\t-H, --with-filename         Start each value with its module's file\n"
                + "\t    --kmod-version=30|34    Behave as that kmod release where they differ (default 30)\n";
    }

    @Override
    protected Integer apply(ToolOutput out, Getopt.Option o) {
        switch (o.key()) {
            case "a" -> field = "author";
            case "d" -> field = "description";
            case "l" -> field = "license";
            case "p" -> field = "parm";
            case "n" -> field = "filename";
            case "0" -> separator = '\0';
            case "m" -> argIsModname = true;
            case "F" -> field = o.value();
            case "k" -> kernelVersion = o.value();
            case "b" -> basedir = o.value();
            case "kernel" -> kernel.set(o.value());
            case "J" -> json = true;
            case "H" -> withFilename = true;
            case "kmod-version" -> {
                Optional<KmodVersion> named = kmodVersion(out, o.value());
                if (named.isEmpty()) {
                    return 1;
                }
                version = named.get();
            }
            default -> throw new IllegalStateException(o.key());
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput out, List<String> names) throws ErrnoException {
        this.io = out;
        return show(names);
    }

    private int show(List<String> names) throws ErrnoException {
        if (names.isEmpty()) {
            io.error("missing module or filename.\n");
            return 1;
        }
        // modinfo looks names up one at a time, through libkmod's stream reader. A named kernel
        // matters only to lookups: files are read as they are, booted kernel or not.
        boolean lookups = argIsModname;
        for (int i = 0; i < names.size() && !lookups; i++) {
            lookups = !isModuleFile(names.get(i));  // stops at the first name that is no module file
        }
        if (lookups && basedir == null && kernelVersion == null && kernel.named().isPresent()) {
            try (KernelStore s = kernel.read()) {  // names are looked up in that kernel's tree
                basedir = s.kernel().description().root().toString();
                kernelVersion = s.kernel().description().release();
            }
        }
        ModuleDirectory dir;
        try {
            dir = (basedir != null || kernelVersion != null
                    ? ModuleDirectory.given(basedir == null ? "" : basedir, Optional.ofNullable(kernelVersion), version)
                    : ModuleDirectory.of(Optional.empty(), Optional.empty())).readingWith(IndexFile.Reader.STREAM);
        } catch (ErrnoException e) {
            return KmodMessages.badDirectory(io, e);
        }
        // kmod_new reads the module directory's softdeps and the kernel command line, for nothing
        // but what it says about them
        ModprobeConfig.loadWithoutPaths(dir.dirname(), version, io.reporter(ToolOutput.Report.AS_IS));
        ModuleLookup lookup = new ModuleLookup(dir);
        jsonOut = json ? ModinfoJson.open(io, dir) : null;
        boolean failed = false;
        for (String name : names) {
            boolean ok;
            if (argIsModname) {
                ok = byName(dir, lookup, name);
            } else if (isModuleFile(name)) {
                ok = show(dir, new Target(ModuleName.fromPath(name), Optional.of(WorkingDirectory.absolute(name)), false));
            } else {
                ok = byAlias(dir, lookup, name);
            }
            failed |= !ok;
        }
        if (jsonOut != null) {
            jsonOut.close();
        }
        io.flush();
        return failed ? 1 : 0;
    }

    /** A module to show: its name, its file if it has one, whether an index said it is built in. */
    private record Target(String name, Optional<String> path, boolean builtin) {
    }

    private boolean byName(ModuleDirectory dir, ModuleLookup lookup, String name) throws ErrnoException {
        List<ModuleLookup.Match> found = lookup.byName(name);
        if (found.isEmpty()) {
            io.error("Module name " + name + " not found.\n");
            return false;
        }
        return show(dir, target(dir, found.get(0)));
    }

    private boolean byAlias(ModuleDirectory dir, ModuleLookup lookup, String alias) throws ErrnoException {
        List<ModuleLookup.Match> found;
        try {
            found = lookup.byAlias(alias);
        } catch (ErrnoException e) {
            io.error("Module alias " + alias + " not found.\n");
            return false;
        }
        if (found.isEmpty()) {
            io.error("Module " + alias + " not found.\n");
            return false;
        }
        boolean ok = true;
        for (ModuleLookup.Match m : found) {
            ok &= show(dir, target(dir, m));
        }
        return ok;
    }

    /**
     * The module a lookup found. libkmod reads its modules.dep line whole on the way, and logs a
     * dependency whose file is missing (the module is still shown).
     */
    private Target target(ModuleDirectory dir, ModuleLookup.Match m) throws ErrnoException {
        if (m.foundBuiltin()) {
            return new Target(m.name(), Optional.empty(), true);
        }
        Optional<String> line = dir.depLine(m.name());
        if (line.isPresent()) {
            dir.dependencyFiles(line.get(), dir, new LibkmodLog(io, version));
        }
        return new Target(m.name(), dir.modulePath(m.name()), false);
    }

    /** libkmod's errors, as its default logger prints them (a class: modinfo links no lambda). */
    private record LibkmodLog(ToolOutput io, KmodVersion version) implements Consumer<LibkmodError> {
        @Override
        public void accept(LibkmodError e) {
            io.printErr(e.byDefaultLogger(version));
        }
    }

    /** kmod takes an argument as a file when it is a regular file named like a module. */
    private static boolean isModuleFile(String name) {
        return Files.isRegularFile(Path.of(name)) && Compression.isModuleFileName(name);
    }


    private boolean show(ModuleDirectory dir, Target t) {
        boolean builtin = t.path().isEmpty();
        String filename = t.path().orElse("(builtin)");
        prefix = withFilename ? (builtin ? t.name() : filename) + ": " : "";
        if (jsonOut == null && !header(t, filename)) {
            return true;
        }
        Info info;
        try {
            info = info(dir, t);
        } catch (ErrnoException e) {
            if (!builtin || e.errno() != Errno.ENOENT) {
                io.error("could not get modinfo from '" + t.name() + "': " + e.errno().message() + "\n");
                return false;
            }
            info = new Info(List.of(), Optional.empty());  // an old kernel without modules.builtin.modinfo
        }
        if (jsonOut != null) {
            return jsonOut.module(t.name(), filename, info.entries(), info.file());
        }
        print(info.entries());
        return true;
    }

    /** The name and file lines modinfo starts with; false when {@code -F filename} was all there was to print. */
    private boolean header(Target t, String filename) {
        if (t.path().isEmpty()) {
            if (field == null) {
                io.print(prefix).print(label("name")).print(t.name()).print(separator);
            } else if (field.equals("name")) {
                io.print(prefix).print(t.name()).print(separator);
            }
        }
        if ("filename".equals(field)) {
            io.print(prefix).print(filename).print(separator);
            return false;
        } else if (field == null) {
            io.print(prefix).print(label("filename")).print(filename).print(separator);
        }
        return true;
    }

    /** What modinfo lists of a module, and the module file it read them from (none for a built-in). */
    private record Info(List<ModinfoEntry> entries, Optional<KernelModule> file) {
    }

    /** The entries kmod lists: .modinfo (or modules.builtin.modinfo), then the signature's. */
    private static Info info(ModuleDirectory dir, Target t) throws ErrnoException {
        if (t.builtin() || (t.path().isEmpty() && dir.isBuiltin(t.name()))) {
            Optional<List<String>> records = dir.builtinModinfo(t.name());
            if (records.isEmpty()) {
                throw new ErrnoException(Errno.ENOSYS, t.name() + " not in modules.builtin.modinfo");
            }
            List<ModinfoEntry> entries = new ArrayList<>();
            for (String r : records.get()) {
                entries.add(ModinfoEntry.parse(r));
            }
            return new Info(entries, Optional.empty());
        }
        if (t.path().isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, t.name() + " has no file");
        }
        KernelModule m = KernelModule.open(Path.of(t.path().get()));
        List<ModinfoEntry> info = new ArrayList<>(m.modinfo());
        Optional<ModuleSignature> signature = m.signature();
        if (signature.isPresent()) {
            info.addAll(signature.get().modinfoEntries());
        }
        return new Info(info, Optional.of(m));
    }

    private void print(List<ModinfoEntry> info) {
        if ("parm".equals(field)) {
            printParameters(info, "");
            return;
        }
        if (field != null) {
            for (ModinfoEntry e : info) {
                if (e.key().equals(field)) {
                    io.print(prefix).print(e.value()).print(separator);
                }
            }
            return;
        }
        for (ModinfoEntry e : info) {
            if (e.key().equals("parm") || e.key().equals("parmtype")) {
                continue;
            }
            if (separator == '\0') {
                io.print(prefix).print(e.key()).print('=').print(e.value()).print(separator);
            } else {
                // kmod prints "%s:%-*s" with width 15 - strlen(key); C reads kmod 30's negative
                // width as left-justification, so long keys get |15 - len| spaces; kmod 34 none
                int over = e.key().length() - 15;
                int pad = over <= 0 ? -over : version == KmodVersion.KMOD30 ? over : 0;
                io.print(prefix).print(e.key()).print(':').print(SPACES.substring(0, Math.min(pad, SPACES.length())));
                if (pad > SPACES.length()) {
                    io.print(" ".repeat(pad - SPACES.length()));
                }
                io.print(e.value()).print(separator);
            }
        }
        printParameters(info, label("parm"));
    }

    /** {@code key:} padded to kmod's 16 columns. */
    private static String label(String key) {
        return (key + ":" + SPACES).substring(0, 16);
    }

    /**
     * Parameters newest first, as kmod's list grows at its head. A parameter with a type but no
     * description reads {@code name:type} in a full listing ({@code lead} "parm:"), but
     * {@code name: (type)} under {@code -p}, as kmod formats the two.
     */
    private void printParameters(List<ModinfoEntry> info, String lead) {
        Parameter.Parameters ps = Parameter.of(info);
        for (ModinfoEntry bad : ps.malformed()) {
            io.error("Found invalid \"" + bad.key() + "=" + bad.value() + "\": missing ':'\n");
        }
        List<Parameter> list = ps.parameters();
        for (int i = list.size() - 1; i >= 0; i--) {
            Parameter p = list.get(i);
            io.print(prefix).print(lead).print(p.name()).print(':');
            if (p.description().isPresent()) {
                io.print(p.description().get());
                if (p.type().isPresent()) {
                    io.print(" (").print(p.type().get()).print(')');
                }
            } else if (lead.isEmpty()) {
                io.print(" (").print(p.type().orElse("")).print(')');
            } else {
                io.print(p.type().orElse(""));
            }
            io.print(separator);
        }
    }
}
