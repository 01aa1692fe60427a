package org.modstack.modprobe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.index.IndexFile;
import org.modstack.index.IndexValue;
import org.modstack.module.ModuleName;

/**
 * Turns a name that a user typed (a module name, an alias, {@code symbol:<sym>}) into modules,
 * as libkmod does: an ordered list of resolvers, the first that finds anything wins.
 */
public final class ModuleLookup {

    /** Where a match came from. */
    public enum Source { MODDEP, SYMBOL, COMMAND, ALIAS, BUILTIN, BUILTIN_ALIAS }

    /**
     * A module a lookup found.
     *
     * @param name the module's name
     * @param source the resolver that found it
     */
    public record Match(String name, Source source) {
        /** Whether the index that found it says the module is built into the kernel. */
        public boolean foundBuiltin() {
            return source == Source.BUILTIN || source == Source.BUILTIN_ALIAS;
        }
    }

    /**
     * One of libkmod's lookups. Constants, not method references: modinfo and modprobe of one
     * name link no lambda (see SmallCommandsTest).
     */
    private enum Resolver {
        MODDEP, SYMBOLS, COMMANDS, ALIASES, BUILTIN, BUILTIN_ALIASES;

        /** {@code config}: modprobe.d's, for {@link #COMMANDS}; the other lists hold no COMMANDS. */
        List<Match> resolve(ModuleDirectory dir, String key, ModprobeConfig config) throws ErrnoException {
            return switch (this) {
                case MODDEP -> fromModdep(dir, key);
                case SYMBOLS -> fromSymbols(dir, key);
                case COMMANDS -> config.hasCommandFor(key) ? List.of(new Match(key, Source.COMMAND)) : List.of();
                case ALIASES -> fromAliases(dir, key);
                case BUILTIN -> fromBuiltin(dir, key);
                case BUILTIN_ALIASES -> fromBuiltinAliases(dir, key);
            };
        }
    }

    private static final List<Resolver> BY_ALIAS = List.of(
            Resolver.MODDEP, Resolver.SYMBOLS, Resolver.ALIASES, Resolver.BUILTIN, Resolver.BUILTIN_ALIASES);
    private static final List<Resolver> BY_ALIAS_OR_COMMAND = List.of(Resolver.MODDEP, Resolver.SYMBOLS,
            Resolver.COMMANDS, Resolver.ALIASES, Resolver.BUILTIN, Resolver.BUILTIN_ALIASES);
    private static final List<Resolver> BY_NAME = List.of(Resolver.MODDEP, Resolver.BUILTIN, Resolver.BUILTIN_ALIASES);

    private final ModuleDirectory dir;

    public ModuleLookup(ModuleDirectory dir) {
        this.dir = dir;
    }

    /**
     * Looks up an alias or module name: modules.dep, then {@code symbol:} keys of modules.symbols,
     * modules.alias (wildcards), modules.builtin, modules.builtin.alias.
     *
     * @throws ErrnoException {@link Errno#EINVAL} for an alias with unbalanced brackets
     */
    public List<Match> byAlias(String alias) throws ErrnoException {
        return first(BY_ALIAS, ModuleName.normalizeAlias(alias), null);
    }

    /**
     * As {@link #byAlias(String)}, with modprobe.d's install and remove commands consulted
     * between the symbols and the aliases: a name with a command is a module of that name.
     */
    public List<Match> byAlias(String alias, ModprobeConfig config) throws ErrnoException {
        return first(BY_ALIAS_OR_COMMAND, ModuleName.normalizeAlias(alias), config);
    }

    /** Looks up a module name only (modules.dep, modules.builtin, modules.builtin.alias). */
    public List<Match> byName(String name) throws ErrnoException {
        return first(BY_NAME, ModuleName.normalize(name), null);
    }

    private List<Match> first(List<Resolver> resolvers, String key, ModprobeConfig config) throws ErrnoException {
        for (Resolver r : resolvers) {
            List<Match> found = r.resolve(dir, key, config);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<Match> fromModdep(ModuleDirectory dir, String name) throws ErrnoException {
        if (name.indexOf(':') >= 0) {
            return List.of();  // module names never hold ':'
        }
        return dir.depLine(name).isPresent() ? List.of(new Match(name, Source.MODDEP)) : List.of();
    }

    private static List<Match> fromSymbols(ModuleDirectory dir, String name) throws ErrnoException {
        if (!name.startsWith("symbol:")) {
            return List.of();
        }
        return wild(dir, ModuleDirectory.Index.SYMBOL, name, Source.SYMBOL);
    }

    private static List<Match> fromAliases(ModuleDirectory dir, String name) throws ErrnoException {
        return wild(dir, ModuleDirectory.Index.ALIAS, name, Source.ALIAS);
    }

    private static List<Match> fromBuiltin(ModuleDirectory dir, String name) throws ErrnoException {
        return dir.isBuiltin(name) ? List.of(new Match(name, Source.BUILTIN)) : List.of();
    }

    private static List<Match> fromBuiltinAliases(ModuleDirectory dir, String name) throws ErrnoException {
        return wild(dir, ModuleDirectory.Index.BUILTIN_ALIAS, name, Source.BUILTIN_ALIAS);
    }

    private static List<Match> wild(ModuleDirectory dir, ModuleDirectory.Index which, String key, Source source)
            throws ErrnoException {
        Optional<IndexFile> idx = dir.index(which);
        if (idx.isEmpty()) {
            return List.of();
        }
        List<Match> out = new ArrayList<>();
        for (IndexValue v : idx.get().searchWild(key)) {
            out.add(new Match(v.value(), source));
        }
        return out;
    }
}
