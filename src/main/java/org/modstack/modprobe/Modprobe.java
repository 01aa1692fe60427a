package org.modstack.modprobe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.ModuleName;
import org.modstack.util.Fnmatch;

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

    /** The configuration a plan needs (modprobe.d, modules.softdep, the kernel command line). */
    public interface Config {
        /** {@code alias <pattern> <module>} commands, in libkmod's order. */
        List<Map.Entry<String, String>> aliases();

        /** The options for a module and the alias it was found by (may be null), joined; null for none. */
        String options(String name, String alias);

        /** The first install command whose pattern matches {@code name}. */
        Optional<String> installCommand(String name);

        /** Whether an install command names exactly {@code name} (lookup by command). */
        Optional<String> installCommandFor(String name);

        /** Whether a remove command names exactly {@code name} (lookup by command). */
        boolean hasRemoveCommandFor(String name);

        /** Whether {@code blacklist name} is configured. */
        boolean isBlacklisted(String name);

        /** The first remove command whose pattern matches {@code name}. */
        Optional<String> removeCommand(String name);

        /** The first softdep whose pattern matches {@code name}: (pre, post). */
        Optional<Map.Entry<List<String>, List<String>>> softdep(String name);
    }

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
        private List<Mod> deps = List.of();

        Mod(String name, String alias) {
            this.name = name;
            this.alias = alias;
        }

        /** The module's name. */
        public String name() {
            return name;
        }
    }

    /** What a plan does for one module, as modprobe prints it. */
    public record Action(Kind kind, String subject, String options) {
        public enum Kind { INSMOD, INSTALL, BUILTIN }

        /** The line {@code modprobe --show-depends} prints. */
        public String line() {
            return switch (kind) {
                case INSMOD -> "insmod " + subject + " " + options + "\n";
                case INSTALL -> "install " + subject + " " + options + "\n";
                case BUILTIN -> "builtin " + subject + "\n";
            };
        }
    }

    /** How a probe behaves, as modprobe's options set it. */
    public record Flags(boolean ignoreLoaded, boolean ignoreCommands, boolean useBlacklist, boolean failOnLoaded) {
    }

    private final ModuleDirectory dir;
    private final Config config;
    private final KernelState kernel;
    private final Map<String, Mod> pool = new HashMap<>();
    private int planCount;

    public Modprobe(ModuleDirectory dir, Config config, KernelState kernel) {
        this.dir = dir;
        this.config = config;
        this.kernel = kernel;
    }

    private Mod module(String name, String alias) {
        String key = alias == null ? name : name + "\\" + alias;
        return pool.computeIfAbsent(key, k -> new Mod(name, alias));
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
        for (Map.Entry<String, String> a : config.aliases()) {
            if (Fnmatch.matches(a.getKey(), key)) {
                out.add(module(a.getValue(), a.getKey()));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        ModuleLookup lookup = new ModuleLookup(dir);
        for (ModuleLookup.Match m : lookup.byAlias(key, this::byCommand)) {
            Mod mod = m.source() == ModuleLookup.Source.MODDEP || m.source() == ModuleLookup.Source.BUILTIN
                    || m.source() == ModuleLookup.Source.COMMAND
                    ? module(m.name(), null) : module(m.name(), key);
            if (m.foundBuiltin()) {
                mod.builtin = true;
            }
            if (m.source() == ModuleLookup.Source.COMMAND) {
                config.installCommandFor(m.name()).ifPresent(c -> {
                    mod.installOverride = c;
                    mod.installOverridden = true;
                });
            }
            out.add(mod);
        }
        return out;
    }

    private boolean byCommand(String name) {
        return config.installCommandFor(name).isPresent() || config.hasRemoveCommandFor(name);
    }

    /** Whether the module is built into the kernel (modules.builtin). */
    public boolean isBuiltin(Mod m) throws ErrnoException {
        if (m.builtin == null) {
            m.builtin = dir.isBuiltin(m.name);
        }
        return m.builtin;
    }

    /** The module's file, from modules.dep; empty for built-ins and unknown names. */
    public Optional<String> path(Mod m) throws ErrnoException {
        readDeps(m);
        return Optional.ofNullable(m.path);
    }

    private void readDeps(Mod m) throws ErrnoException {
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
        List<Mod> deps = new ArrayList<>();
        for (String dep : l.substring(colon + 1).trim().split("[ \t]+")) {
            if (dep.isEmpty()) {
                continue;
            }
            Mod d = module(ModuleName.fromPath(dep), null);
            if (d.path == null) {
                // libkmod creates dependencies from their paths, which it makes absolute
                String p = dir.resolve(dep);
                d.path = p.startsWith("/") ? p : System.getProperty("user.dir") + "/" + p;
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
     * Plans loading {@code mod}: the actions in order, each shown to {@code show}.
     *
     * @return 0, a positive number when the module was skipped by a flag (blacklisted), or a
     *     negative errno
     */
    public int plan(Mod mod, Flags flags, String extraOptions, Consumer<Action> show) throws ErrnoException {
        return probe(mod, flags, extraOptions, show, null);
    }

    /** What carries out a plan: inserting modules and running install commands. */
    public interface Loader {
        /** Inserts the module file at {@code path} with {@code options}: 0 or a negative errno. */
        int insert(Mod m, String path, String options);

        /** Runs an install command: 0 or a negative errno. */
        int install(Mod m, String command, String options);
    }

    /**
     * Loads {@code mod} as kmod_module_probe_insert_module does: each action of the plan is shown,
     * then carried out by {@code loader} (null: a dry run). A module already in the kernel is
     * skipped; a failure of the module or one of its dependencies ends the load, a soft
     * dependency's is ignored.
     *
     * @return as {@link #plan}
     */
    public int probe(Mod mod, Flags flags, String extraOptions, Consumer<Action> show, Loader loader)
            throws ErrnoException {
        if (!flags.ignoreLoaded() && inKernel(mod)) {
            return flags.failOnLoaded() ? -Errno.EEXIST.number() : 0;
        }
        if ((mod.alias != null || flags.useBlacklist()) && config.isBlacklisted(mod.name)) {
            return 1;
        }
        planCount++;
        List<Mod> list = new ArrayList<>();
        mod.required = true;
        probeList(mod, flags.ignoreCommands(), true, list);
        int err = 0;
        for (Mod m : list) {
            if (!flags.ignoreLoaded() && inKernel(m)) {
                err = -Errno.EEXIST.number();
            } else {
                err = act(m, m == mod ? extraOptions : null, show, loader);
            }
            if (err == -Errno.EEXIST.number() && m == mod && flags.failOnLoaded()) {
                break;
            }
            if (err == -Errno.EEXIST.number() || !m.required) {
                err = 0;
            } else if (err < 0) {
                break;
            }
        }
        return err;
    }

    private int act(Mod m, String extraOptions, Consumer<Action> show, Loader loader) throws ErrnoException {
        String options = concat(config.options(m.name, m.alias), extraOptions);
        String cmd = installCommand(m);
        if (cmd != null && !m.ignoreCommand) {
            show.accept(new Action(Action.Kind.INSTALL, cmd, options));
            return loader == null ? 0 : loader.install(m, cmd, options);
        } else if (path(m).isPresent()) {
            show.accept(new Action(Action.Kind.INSMOD, m.path, options));
            return loader == null ? 0 : loader.insert(m, m.path, options);
        } else if (isBuiltin(m)) {
            show.accept(new Action(Action.Kind.BUILTIN, m.name, options));
            return 0;
        }
        return loader == null ? 0 : -Errno.ENOENT.number();
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
            mod.deps.forEach(d -> d.required = true);
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
        Optional<Map.Entry<List<String>, List<String>>> sd = config.softdep(mod.name);
        List<Mod> pre = sd.isPresent() ? lookupAll(sd.get().getKey()) : List.of();
        List<Mod> post = sd.isPresent() ? lookupAll(sd.get().getValue()) : List.of();
        for (Mod m : pre) {
            probeList(m, false, false, list);
        }
        list.add(mod);
        mod.ignoreCommand = !pre.isEmpty() || !post.isEmpty();
        for (Mod m : post) {
            probeList(m, false, false, list);
        }
    }

    private List<Mod> lookupAll(List<String> names) {
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

    /** How a removal behaves, as modprobe's options set it. */
    public record RemoveFlags(boolean ignoreCommands, boolean firstTime, boolean removeHolders) {
    }

    /** Where a removal reports: modprobe's log messages, and the lines it shows with -v or -n. */
    public interface RemoveOutput {
        void log(String message);

        void show(String line);

        /** Removes module {@code name} from the kernel: 0 or a negative errno (a dry run: 0). */
        int remove(String name);
    }

    /**
     * Removes {@code mod} as modprobe -r does: its post-softdeps (reverse), its holders when
     * asked, itself unless in use, the dependencies nothing uses any more, its pre-softdeps
     * (reverse). Every step is shown, then done by {@code out} (which a dry run makes a no-op).
     *
     * @return 0, or a negative errno (ENOENT: built-in or, with --first-time, not loaded;
     *     EBUSY: in use)
     */
    public int planRemoval(Mod mod, RemoveFlags flags, RemoveOutput out) throws ErrnoException {
        return remove(mod, flags, flags.removeHolders(), false, out);
    }

    private int remove(Mod mod, RemoveFlags flags, boolean holdersToo, boolean ignoreBuiltin, RemoveOutput out)
            throws ErrnoException {
        List<Mod> pre = List.of();
        List<Mod> post = List.of();
        String cmd = null;
        if (!flags.ignoreCommands()) {
            Optional<Map.Entry<List<String>, List<String>>> sd = config.softdep(mod.name);
            pre = sd.isPresent() ? lookupAll(sd.get().getKey()) : List.of();
            post = sd.isPresent() ? lookupAll(sd.get().getValue()) : List.of();
            cmd = config.removeCommand(mod.name).orElse(null);
        }
        if (cmd == null) {
            if (isBuiltin(mod)) {
                if (ignoreBuiltin) {
                    return 0;
                }
                out.log("Module " + mod.name + " is builtin.\n");
                return -Errno.ENOENT.number();
            }
            if (kernel.initState(mod.name) == KernelState.InitState.NOT_LOADED) {
                if (flags.firstTime()) {
                    out.log("Module " + mod.name + " is not in kernel.\n");
                    return -Errno.ENOENT.number();
                }
                return 0;
            }
        }
        removeEach(post, flags, false, out);
        if (holdersToo) {
            List<Mod> holders = new ArrayList<>();
            kernel.holders(mod.name).forEach(h -> holders.add(module(h, null)));
            int err = removeEach(holders, flags, true, out);
            if (err < 0) {
                return err;
            }
        }
        if (cmd == null && kernel.refcnt(mod.name) > 0) {
            out.log("Module " + mod.name + " is in use.\n");
            return -Errno.EBUSY.number();
        }
        if (cmd != null) {
            out.show("remove " + cmd.replace("$CMDLINE_OPTS", "") + "\n");  // shown, not run
        } else {
            out.show("rmmod " + mod.name + "\n");
            int err = out.remove(mod.name);
            if (err < 0) {
                return err;
            }
            readDeps(mod);
            for (Mod dep : mod.deps) {
                if (kernel.refcnt(dep.name) == 0) {
                    out.show("rmmod " + dep.name + "\n");
                    out.remove(dep.name);
                }
            }
        }
        removeEach(pre, flags, false, out);
        return 0;
    }

    /** Removes modules last first, as built-ins quietly; errors stop the walk only when asked. */
    private int removeEach(List<Mod> mods, RemoveFlags flags, boolean stopOnError, RemoveOutput out)
            throws ErrnoException {
        for (int i = mods.size() - 1; i >= 0; i--) {
            int r = remove(mods.get(i), flags, false, true, out);
            if (r < 0 && stopOnError) {
                return r;
            }
        }
        return 0;
    }

    /** libkmod's module_options_concat: config options, a space, extra options; "" for none. */
    static String concat(String options, String extra) {
        boolean hasOptions = options != null && !options.isEmpty();
        boolean hasExtra = extra != null && !extra.isEmpty();
        if (!hasOptions && !hasExtra) {
            return "";
        }
        return (options != null ? options + " " : "") + (extra != null ? extra : "");
    }
}
