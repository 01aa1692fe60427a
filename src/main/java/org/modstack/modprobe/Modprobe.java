package org.modstack.modprobe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.ModuleName;
import org.modstack.util.Fnmatch;
import org.modstack.util.WorkingDirectory;

/**
 * modprobe's planning, as libkmod does it: resolve a name to modules (configuration aliases,
 * modules.dep, symbols, install commands, modules.alias, built-ins) and turn each into the
 * ordered list of actions that loads it with its dependencies and soft dependencies.
 *
 * <p>Modules are kept in a pool as libkmod keeps them: one object per name, and one more per
 * (name, alias) for a module found through an alias; the flags a plan sets on them (visited,
 * ignore-command) are per object, which is why a module can appear twice in a plan
 * exactly where kmod's does.
 */
public final class Modprobe {

    /** A module as a plan sees it. */
    public static final class Mod {
        final String name;
        final String alias;
        Boolean builtin;
        String installOverride;
        boolean installOverridden;
        /** The plan that last visited this module; a new plan needs no reset pass over the pool. */
        int visitedBy;
        boolean ignoreCommand;
        /** The module or a dependency of the one being loaded: its failure fails the load (a softdep's does not). */
        boolean required;
        private boolean depsRead;
        private String path;
        List<Mod> deps = List.of();

        Mod(String name, String alias) {
            this.name = name;
            this.alias = alias;
        }

        /** The module's name. */
        public String name() {
            return name;
        }
    }

    /**
     * What a plan does for one module, as modprobe prints it.
     *
     * @param subject the module file (insmod), the command (install) or the module's name (builtin)
     * @param options the module's options, "" for none
     * @param module the module's name
     * @param role why the plan holds it: the module asked for, one it needs, or a softdep's
     */
    public record Action(Kind kind, String subject, String options, String module, Role role) {
        public enum Kind { INSMOD, INSTALL, BUILTIN }

        public enum Role { TARGET, DEPENDENCY, SOFTDEP }

        public Action {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(options, "options");  // "" for none: line() prints it as given
        }

        /** The line {@code modprobe --show-depends} prints. */
        public String line() {
            // sized for the longest line up front: modprobe -a prints 14,000 of them, and a
            // builder started at 16 chars was copied as it grew
            StringBuilder line = new StringBuilder(10 + subject.length() + options.length());
            return switch (kind) {
                case INSMOD -> line.append("insmod ").append(subject).append(' ').append(options).append('\n').toString();
                case INSTALL -> line.append("install ").append(subject).append(' ').append(options).append('\n').toString();
                case BUILTIN -> line.append("builtin ").append(subject).append('\n').toString();
            };
        }
    }

    /**
     * How a probe behaves, as modprobe's options set it.
     *
     * @param ignoreLoaded plan as if nothing were loaded ({@code --show-depends})
     * @param ignoreCommands {@code -i}
     * @param useBlacklist {@code -b}
     * @param failOnLoaded {@code --first-time}
     * @param dryRun show the actions without doing them ({@code -n})
     * @param forceModversion {@code --force-modversion}
     * @param forceVermagic {@code --force-vermagic}
     */
    public record Flags(boolean ignoreLoaded, boolean ignoreCommands, boolean useBlacklist, boolean failOnLoaded,
                        boolean dryRun, boolean forceModversion, boolean forceVermagic) {
    }

    private final ModuleDirectory dir;
    private final ModprobeConfig config;
    private final KernelState kernel;
    private final Consumer<LibkmodError> log;
    private final Map<String, Mod> pool = new HashMap<>();
    private int planCount;

    /** A planner that keeps libkmod's error messages to itself. */
    public Modprobe(ModuleDirectory dir, ModprobeConfig config, KernelState kernel) {
        this(dir, config, kernel, message -> { });
    }

    /** A planner giving {@code log} the errors libkmod logs. */
    public Modprobe(ModuleDirectory dir, ModprobeConfig config, KernelState kernel, Consumer<LibkmodError> log) {
        this.dir = dir;
        this.config = config;
        this.kernel = kernel;
        this.log = log;
    }

    /**
     * Lets go of every module planned so far, as modprobe does of each name's modules before
     * the next one (-a, -r): libkmod frees a module nothing holds, so the next name's lookups
     * make their modules anew from the indexes, with the paths their own lines give.
     */
    public void release() {
        pool.clear();
    }

    Mod module(String name, String alias) {
        String key = alias == null ? name : name + "\\" + alias;
        Mod m = pool.get(key);
        if (m == null) {
            m = new Mod(name, alias);
            pool.put(key, m);
        }
        return m;
    }

    /**
     * The modules a user's name stands for, first resolver that finds any: configuration
     * aliases, modules.dep, {@code symbol:} keys, install/remove commands, modules.alias,
     * modules.builtin, modules.builtin.alias.
     *
     * @throws ErrnoException EINVAL for an alias with unbalanced brackets
     */
    public List<Mod> lookup(String given) throws ErrnoException {
        String key = ModuleName.normalizeAlias(given);
        List<Mod> out = new ArrayList<>();
        for (ModprobeConfig.Alias a : config.aliases()) {
            if (Fnmatch.matches(a.pattern(), key)) {
                out.add(module(a.module(), a.pattern()));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        ModuleLookup lookup = new ModuleLookup(dir);
        for (ModuleLookup.Match m : lookup.byAlias(key, config)) {
            Mod mod = m.source() == ModuleLookup.Source.MODDEP || m.source() == ModuleLookup.Source.BUILTIN
                    || m.source() == ModuleLookup.Source.COMMAND
                    ? module(m.name(), null) : module(m.name(), key);
            if (m.source() == ModuleLookup.Source.MODDEP) {
                readDeps(mod);  // libkmod's lookup in modules.dep reads the line it found
            }
            if (m.foundBuiltin()) {
                mod.builtin = true;
            }
            if (m.source() == ModuleLookup.Source.COMMAND) {
                Optional<String> command = config.installCommandFor(m.name());
                if (command.isPresent()) {
                    mod.installOverride = command.get();
                    mod.installOverridden = true;
                }
            }
            out.add(mod);
        }
        return out;
    }

    /**
     * kmod 34's module named by its file ({@code modprobe /path/x.ko}, libkmod's
     * kmod_module_new_from_path): any file that stats, its name the file's base name up to the
     * first dot, its path made absolute against the working directory (not canonical: {@code ./}
     * stays), never built in. Its dependencies, options and commands are still those of its name.
     *
     * @throws ErrnoException why the file does not stat; ENOENT for a path ending in {@code /}
     */
    public Mod fromPath(String file) throws ErrnoException {
        String absolute = WorkingDirectory.absolute(file);
        ErrnoException failure = ModuleDirectory.statFailure(absolute);
        if (failure != null) {
            throw failure;
        }
        if (file.endsWith("/")) {
            throw new ErrnoException(Errno.ENOENT, file);  // no base name to take a module name from
        }
        // the pool is empty here: a name's probe starts from a released one (see release), so no
        // module of this name can have another path, which libkmod would refuse
        Mod m = module(ModuleName.fromPath(file), null);
        m.path = absolute;
        m.builtin = false;
        return m;
    }

    /** Whether the module is built into the kernel (modules.builtin). */
    public boolean isBuiltin(Mod m) throws ErrnoException {
        if (m.builtin == null) {
            m.builtin = dir.isBuiltin(m.name);
        }
        return m.builtin;
    }

    /**
     * The module's file, from modules.dep; empty for built-ins and unknown names. As libkmod's
     * kmod_module_get_path, the line is read only when neither a path nor a reading is known.
     */
    public Optional<String> path(Mod m) throws ErrnoException {
        if (m.path == null && !m.depsRead) {
            readDeps(m);
        }
        return Optional.ofNullable(m.path);
    }

    /**
     * libkmod's kmod_module_parse_depline: the module's path, then each dependency made a
     * module from its path. A dependency whose file is missing fails the line
     * ({@link ModuleDirectory#dependencyFiles}): the module keeps no dependency, and its line is
     * read again, the failure logged again, each time its dependencies are asked for.
     */
    void readDeps(Mod m) throws ErrnoException {
        if (m.depsRead) {
            return;
        }
        m.depsRead = true;
        Optional<String> line = dir.depLine(m.name);
        if (line.isEmpty() || line.get().indexOf(':') < 0) {
            return;
        }
        String l = line.get();
        int colon = l.indexOf(':');
        if (m.path == null) {
            m.path = dir.resolve(l.substring(0, colon));
        }
        Optional<List<String>> files = dir.dependencyFiles(l, this, log);
        if (files.isEmpty()) {
            m.depsRead = false;
            return;
        }
        List<Mod> deps = new ArrayList<>();
        for (String file : files.get()) {
            Mod d = module(ModuleName.fromPath(file), null);
            if (d.path == null) {
                // libkmod also refuses a path other than the one a module of that name has, but
                // its modules live only while a name's probe holds them (see release): so do these
                d.path = file;
            }
            deps.add(0, d);  // libkmod prepends: deepest first
        }
        m.deps = deps;
    }

    /** Whether the kernel has the module (live, or built in). */
    public boolean inKernel(Mod m) throws ErrnoException {
        return isBuiltin(m) || kernel.initState(m.name) == KernelState.InitState.LIVE;
    }

    /**
     * Loads {@code mod} as kmod_module_probe_insert_module does: each action of the plan is
     * shown, then carried out on the kernel unless {@code flags} ask for a dry run. A module
     * already in the kernel is skipped, and so is a blacklisted one; a failure of the module or
     * one of its dependencies ends the load, a soft dependency's is ignored.
     *
     * @throws ErrnoException the failure that ended the load (EEXIST: already loaded, with
     *     {@link Flags#failOnLoaded})
     */
    public void probe(Mod mod, Flags flags, String extraOptions, Consumer<Action> show) throws ErrnoException {
        if (!flags.ignoreLoaded() && inKernel(mod)) {
            if (flags.failOnLoaded()) {
                throw alreadyLoaded(mod);
            }
            return;
        }
        if ((mod.alias != null || flags.useBlacklist()) && config.isBlacklisted(mod.name)) {
            return;
        }
        planCount++;
        List<Mod> list = new ArrayList<>();
        mod.required = true;
        probeList(mod, flags.ignoreCommands(), true, list);
        for (Mod m : list) {
            try {
                if (!flags.ignoreLoaded() && inKernel(m)) {
                    throw alreadyLoaded(m);
                }
                Action.Role role = m == mod ? Action.Role.TARGET : m.required ? Action.Role.DEPENDENCY : Action.Role.SOFTDEP;
                act(m, m == mod ? extraOptions : null, role, show, flags);
            } catch (ErrnoException e) {
                boolean exists = e.errno() == Errno.EEXIST;
                if ((exists && m == mod && flags.failOnLoaded()) || (!exists && m.required)) {
                    throw e;
                }
            }
        }
    }

    private static ErrnoException alreadyLoaded(Mod m) {
        return new ErrnoException(Errno.EEXIST, m.name + " is already in the kernel");
    }

    private void act(Mod m, String extraOptions, Action.Role role, Consumer<Action> show, Flags flags)
            throws ErrnoException {
        String options = concat(config.options(m.name, m.alias), extraOptions);
        String cmd = installCommand(m);
        if (cmd != null && !m.ignoreCommand) {
            show.accept(new Action(Action.Kind.INSTALL, cmd, options, m.name, role));
            if (!flags.dryRun()) {
                kernel.runInstallCommand(cmd, options);
            }
        } else if (path(m).isPresent()) {
            show.accept(new Action(Action.Kind.INSMOD, m.path, options, m.name, role));
            if (!flags.dryRun()) {
                kernel.insert(Path.of(m.path), options, flags.forceModversion(), flags.forceVermagic());
            }
        } else if (isBuiltin(m)) {
            show.accept(new Action(Action.Kind.BUILTIN, m.name, options, m.name, role));
        } else if (!flags.dryRun()) {
            throw new ErrnoException(Errno.ENOENT, m.name + ": no module file");
        }
    }

    private String installCommand(Mod m) {
        if (!m.installOverridden) {
            m.installOverride = config.installCommand(m.name).orElse(null);
            m.installOverridden = true;
        }
        return m.installOverride;
    }

    /**
     * libkmod's probe list: each dependency with its soft dependencies, then the module with its.
     * The first call marks the module and its dependencies required, before a soft dependency
     * can reach them.
     */
    private void probeList(Mod mod, boolean ignoreCommand, boolean required, List<Mod> list) throws ErrnoException {
        if (mod.visitedBy == planCount) {
            return;
        }
        mod.visitedBy = planCount;
        readDeps(mod);
        if (required) {
            mod.required = true;
            for (Mod d : mod.deps) {
                d.required = true;
            }
        }
        for (Mod d : mod.deps) {
            fillSoftdep(d, list);
        }
        if (ignoreCommand) {
            list.add(mod);
            mod.ignoreCommand = true;
        } else {
            fillSoftdep(mod, list);
        }
    }

    private void fillSoftdep(Mod mod, List<Mod> list) throws ErrnoException {
        Optional<ModprobeConfig.Softdep> sd = config.softdep(mod.name);
        List<Mod> pre = sd.isPresent() ? lookupAll(sd.get().pre()) : List.of();
        List<Mod> post = sd.isPresent() ? lookupAll(sd.get().post()) : List.of();
        for (Mod m : pre) {
            probeList(m, false, false, list);
        }
        list.add(mod);
        mod.ignoreCommand = !pre.isEmpty() || !post.isEmpty();
        for (Mod m : post) {
            probeList(m, false, false, list);
        }
    }

    List<Mod> lookupAll(List<String> names) {
        List<Mod> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.addAll(lookup(n));
            } catch (ErrnoException e) {
                // libkmod logs "failed to lookup soft dependency" and goes on
            }
        }
        return out;
    }

    /**
     * How a removal behaves, as modprobe's options set it.
     *
     * @param ignoreLoaded remove whatever the kernel holds ({@code --show-depends}): no check
     *     that the module is loaded, built in or unused
     * @param ignoreCommands {@code -i}
     * @param firstTime {@code --first-time}
     * @param removeHolders {@code --remove-holders}
     * @param dryRun show the steps without doing them ({@code -n})
     * @param force {@code -f}: {@code delete_module} with {@code O_TRUNC}
     */
    public record RemoveFlags(boolean ignoreLoaded, boolean ignoreCommands, boolean firstTime, boolean removeHolders,
                              boolean dryRun, boolean force, long waitMillis) {
    }

    /** Where a removal reports: modprobe's log messages, the lines it shows with -v or -n, libkmod's errors. */
    public interface RemoveOutput {
        void log(String message);

        void show(String line);

        /** {@code delete_module} failed for {@code name} (libkmod logs it). */
        void removeFailed(String name, ErrnoException e);

        /** With {@code --wait}, libkmod is silent and modprobe says that {@code name} stays. */
        void waitFailed(String name, ErrnoException e);
    }

    /**
     * Removes {@code mod} as modprobe -r does: its post-softdeps (reverse), its holders when
     * asked, itself unless in use, the dependencies nothing uses any more, its pre-softdeps
     * (reverse). Every step is shown, then done on the kernel unless a dry run.
     *
     * @throws ErrnoException ENOENT: built-in or, with --first-time, not loaded; EBUSY: in use;
     *     or the kernel's refusal
     */
    public void remove(Mod mod, RemoveFlags flags, RemoveOutput out) throws ErrnoException {
        new ModprobeRemoval(this, kernel, config, flags, out).remove(mod);
    }

    /** libkmod's module_options_concat: config options, a space, extra options; "" for none. */
    static String concat(String options, String extra) {
        boolean hasOptions = options != null && !options.isEmpty();
        boolean hasExtra = extra != null && !extra.isEmpty();
        if (!hasOptions && !hasExtra) {
            return "";
        }
        return (hasOptions ? options + " " : "") + (extra != null ? extra : "");
    }
}
