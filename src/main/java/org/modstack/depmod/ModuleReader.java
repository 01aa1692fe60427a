package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFormatException;
import org.modstack.module.Import;
import org.modstack.module.KernelModule;
import org.modstack.module.ModinfoEntry;
import org.modstack.module.SymbolVersion;

/**
 * Reads what depmod needs from every module file. Files are parsed in parallel; what they
 * yield, and any error, is taken in module order, so the output does not depend on timing.
 */
final class ModuleReader {
    private ModuleReader() {
    }

    /**
     * What reading the modules learnt against the cache.
     *
     * @param stamps each readable file's stamp, by path, for the next cache; empty when every
     *     module came from the cache unchanged, so the cache needs no rewrite
     * @param contentsChanged whether some module's contents differ from what the cache held for
     *     its path (or the cache held nothing): the cache's generation no longer describes them
     */
    record Result(Map<String, DepmodCache.Stamp> stamps, boolean contentsChanged) {
    }

    /**
     * Reads every module whose file changed since {@code cache} was written; the others keep
     * their cache entry ({@link DepmodModule#cached}) until {@link #decodeCached}.
     */
    static Result readAll(List<DepmodModule> modules, DepmodCache cache, Depmod.Log log) {
        Map<String, DepmodCache.Stamp> stamps = new HashMap<>();
        List<DepmodModule> changed = new ArrayList<>();
        for (DepmodModule m : modules) {  // in one thread: a lookup costs less than handing it over
            DepmodCache.Entry cached = null;
            try {
                DepmodCache.Stamp stamp = m.stamp != null ? m.stamp : DepmodCache.Stamp.of(m.path);
                stamps.put(m.path, stamp);
                cached = cache.lookup(m.path, stamp);
            } catch (IOException e) {
                // unreadable: read() below reports it as kmod does
            }
            if (cached != null) {
                m.cached = cached;
            } else {
                changed.add(m);
            }
        }
        AtomicBoolean contentsChanged = new AtomicBoolean();
        changed.parallelStream().forEach(m -> {
            m.contents = read(m);
            if (!m.contents.equals(cache.previous(m.path))) {  // a touched file usually holds the same
                contentsChanged.set(true);
            }
        });
        if (changed.isEmpty() && cache.size() == modules.size()) {
            stamps.clear();
        }
        for (DepmodModule m : modules) {
            if (m.error() != null) {
                log.error("failed to load symbols from " + m.path + ": " + m.error() + "\n");
            }
        }
        return new Result(stamps, contentsChanged.get());
    }

    /** Decodes the contents of every module {@link #readAll} found unchanged in {@code cache}. */
    static void decodeCached(List<DepmodModule> modules, DepmodCache cache) {
        modules.parallelStream().filter(m -> m.cached != null).forEach(m -> {
            DepmodModule.Contents c = cache.contents(m.cached);
            m.contents = c != null ? c : read(m);
            m.cached = null;
        });
    }

    static DepmodModule.Contents read(DepmodModule m) {
        KernelModule module;
        try {
            module = KernelModule.open(Path.of(m.path));
        } catch (ErrnoException e) {
            return new DepmodModule.Contents(List.of(), null, List.of(), List.of(), List.of(), e.errno().message());
        }
        try {
            return contents(module);
        } finally {
            module.release();  // thousands of mapped modules would otherwise stay resident until collected
        }
    }

    private static DepmodModule.Contents contents(KernelModule module) {
        List<SymbolVersion> provided = module.providedSymbols();
        List<Import> required;
        try {
            required = module.requiredSymbols();
        } catch (ElfFormatException e) {
            required = null;
        }
        List<String> aliases = new ArrayList<>();
        List<String> softdeps = new ArrayList<>();
        List<String> weakdeps = new ArrayList<>();
        try {
            for (ModinfoEntry e : module.modinfo()) {
                switch (e.key()) {
                    case "alias" -> aliases.add(e.value());
                    case "softdep" -> softdeps.add(e.value());
                    case "weakdep" -> weakdeps.add(e.value());
                    default -> {
                    }
                }
            }
        } catch (ErrnoException noModinfo) {
            // a module without .modinfo has no aliases or soft dependencies to list
        }
        return new DepmodModule.Contents(provided, required, aliases, softdeps, weakdeps, null);
    }
}
