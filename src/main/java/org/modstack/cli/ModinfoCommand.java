package org.modstack.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.modstack.ErrnoException;
import org.modstack.index.ModuleDirectory;
import org.modstack.index.ModuleLookup;
import org.modstack.module.Compression;
import org.modstack.module.ModinfoEntry;
import org.modstack.module.Module;
import org.modstack.module.ModuleName;
import org.modstack.module.ModuleSignature;
import org.modstack.module.Parameter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modinfo}: shows what a module's {@code .modinfo} and signature say, as kmod's does. */
@Command(name = "modinfo", description = "Show information about Linux kernel modules.")
public final class ModinfoCommand implements Callable<Integer> {
    private final ToolOutput io;
    private String field;
    private char separator = '\n';

    @Option(names = {"-m", "--modname"}, description = "Handle argument as module name instead of alias or filename")
    boolean argIsModname;

    @Option(names = {"-k", "--set-version"}, paramLabel = "VERSION", description = "Use VERSION instead of `uname -r`")
    String kernelVersion;

    @Option(names = {"-b", "--basedir"}, paramLabel = "DIR", description = "Use DIR as filesystem root for /lib/modules")
    String basedir;

    @Parameters(paramLabel = "module", description = "module names, aliases or files")
    List<String> names = new ArrayList<>();

    public ModinfoCommand(ToolOutput io) {
        this.io = io;
    }

    @Option(names = {"-a", "--author"}, description = "Print only 'author'")
    void author(boolean on) {
        field = "author";
    }

    @Option(names = {"-d", "--description"}, description = "Print only 'description'")
    void description(boolean on) {
        field = "description";
    }

    @Option(names = {"-l", "--license"}, description = "Print only 'license'")
    void license(boolean on) {
        field = "license";
    }

    @Option(names = {"-p", "--parameters"}, description = "Print only 'parm'")
    void parameters(boolean on) {
        field = "parm";
    }

    @Option(names = {"-n", "--filename"}, description = "Print only 'filename'")
    void filename(boolean on) {
        field = "filename";
    }

    @Option(names = {"-0", "--null"}, description = "Use \\0 instead of \\n")
    void nul(boolean on) {
        separator = '\0';
    }

    @Option(names = {"-F", "--field"}, paramLabel = "FIELD", description = "Print only provided FIELD")
    void field(String name) {
        field = name;
    }

    @Override
    public Integer call() throws ErrnoException {
        if (names.isEmpty()) {
            io.error("missing module or filename.\n");
            return 1;
        }
        ModuleDirectory dir = basedir != null || kernelVersion != null
                ? ModuleDirectory.of(Optional.of(basedir == null ? "" : basedir), Optional.ofNullable(kernelVersion))
                : ModuleDirectory.of(Optional.empty(), Optional.empty());
        ModuleLookup lookup = new ModuleLookup(dir);
        boolean failed = false;
        for (String name : names) {
            boolean ok;
            if (argIsModname) {
                ok = byName(dir, lookup, name);
            } else if (isModuleFile(name)) {
                ok = show(dir, new Target(ModuleName.fromPath(name), Optional.of(absolute(name)), false));
            } else {
                ok = byAlias(dir, lookup, name);
            }
            failed |= !ok;
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

    private static Target target(ModuleDirectory dir, ModuleLookup.Match m) throws ErrnoException {
        Optional<String> path = m.foundBuiltin() ? Optional.empty() : dir.modulePath(m.name());
        return new Target(m.name(), path, m.foundBuiltin());
    }

    /** kmod takes an argument as a file when it is a regular file named like a module. */
    private static boolean isModuleFile(String name) {
        if (!Files.isRegularFile(Path.of(name))) {
            return false;
        }
        for (Compression c : Compression.values()) {
            if (name.endsWith(".ko" + c.extension())) {
                return true;
            }
        }
        return false;
    }

    private static String absolute(String path) {
        return path.startsWith("/") ? path : System.getProperty("user.dir") + "/" + path;
    }

    private boolean show(ModuleDirectory dir, Target t) {
        boolean builtin = t.path().isEmpty();
        String filename = t.path().orElse("(builtin)");
        if (builtin) {
            if (field == null) {
                io.out().printf("%-16s%s%c", "name:", t.name(), separator);
            } else if (field.equals("name")) {
                io.out().printf("%s%c", t.name(), separator);
            }
        }
        if ("filename".equals(field)) {
            io.out().printf("%s%c", filename, separator);
            return true;
        } else if (field == null) {
            io.out().printf("%-16s%s%c", "filename:", filename, separator);
        }
        List<ModinfoEntry> info;
        try {
            info = info(dir, t);
        } catch (ErrnoException e) {
            if (builtin && e.errno() == org.modstack.Errno.ENOENT) {
                return true;  // an old kernel without modules.builtin.modinfo
            }
            io.error("could not get modinfo from '" + t.name() + "': " + e.errno().message() + "\n");
            return false;
        }
        print(info);
        return true;
    }

    /** The entries kmod lists: .modinfo (or modules.builtin.modinfo), then the signature's. */
    private static List<ModinfoEntry> info(ModuleDirectory dir, Target t) throws ErrnoException {
        if (t.builtin() || (t.path().isEmpty() && dir.isBuiltin(t.name()))) {
            List<String> records = dir.builtinModinfo(t.name())
                    .orElseThrow(() -> new ErrnoException(org.modstack.Errno.ENOSYS, t.name() + " not in modules.builtin.modinfo"));
            return records.stream().map(ModinfoEntry::parse).toList();
        }
        if (t.path().isEmpty()) {
            throw new ErrnoException(org.modstack.Errno.ENOENT, t.name() + " has no file");
        }
        Module m = Module.open(Path.of(t.path().get()));
        List<ModinfoEntry> info = new ArrayList<>(m.modinfo());
        m.signature().ifPresent(s -> info.addAll(signatureEntries(s)));
        return info;
    }

    private static List<ModinfoEntry> signatureEntries(ModuleSignature s) {
        return List.of(
                new ModinfoEntry("sig_id", s.idType().label()),
                new ModinfoEntry("signer", s.signer()),
                new ModinfoEntry("sig_key", hex(s.keyId())),
                new ModinfoEntry("sig_hashalgo", s.hashAlgorithm()),
                new ModinfoEntry("signature", hex(s.signature())));
    }

    /** {@code 01:AB:...}, upper case, a line break and two tabs after every 20 bytes. */
    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            sb.append(Character.toUpperCase(Character.forDigit((bytes[i] >> 4) & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(bytes[i] & 0xf, 16)));
            if (i < bytes.length - 1) {
                sb.append(':');
                if ((i + 1) % 20 == 0) {
                    sb.append("\n\t\t");
                }
            }
        }
        return sb.toString();
    }

    private void print(List<ModinfoEntry> info) {
        if ("parm".equals(field)) {
            printParameters(info, "", "%s: (%s)");
            return;
        }
        if (field != null) {
            for (ModinfoEntry e : info) {
                if (e.key().equals(field)) {
                    io.out().printf("%s%c", e.value(), separator);
                }
            }
            return;
        }
        for (ModinfoEntry e : info) {
            if (e.key().equals("parm") || e.key().equals("parmtype")) {
                continue;
            }
            if (separator == '\0') {
                io.out().printf("%s=%s%c", e.key(), e.value(), separator);
            } else {
                // C's "%-*s" with a negative width pads to its absolute value.
                int pad = Math.abs(15 - e.key().length());
                io.out().printf("%s:%s%s%c", e.key(), " ".repeat(pad), e.value(), separator);
            }
        }
        printParameters(info, String.format("%-16s", "parm:"), "%s:%s");
    }

    /**
     * Parameters newest first, as kmod's list grows at its head; {@code typeOnly} formats a
     * parameter that has a type but no description.
     */
    private void printParameters(List<ModinfoEntry> info, String lead, String typeOnly) {
        Parameter.Parameters ps = Parameter.of(info);
        for (ModinfoEntry bad : ps.malformed()) {
            io.error("Found invalid \"" + bad.key() + "=" + bad.value() + "\": missing ':'\n");
        }
        List<Parameter> list = ps.parameters();
        for (int i = list.size() - 1; i >= 0; i--) {
            Parameter p = list.get(i);
            String text;
            if (p.description().isEmpty()) {
                text = String.format(typeOnly, p.name(), p.type().orElse(""));
            } else if (p.type().isPresent()) {
                text = p.name() + ":" + p.description().get() + " (" + p.type().get() + ")";
            } else {
                text = p.name() + ":" + p.description().get();
            }
            io.out().printf("%s%s%c", lead, text, separator);
        }
    }
}
