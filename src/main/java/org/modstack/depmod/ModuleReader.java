package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFormatException;
import org.modstack.module.Import;
import org.modstack.module.KernelModule;
import org.modstack.module.ModinfoEntry;
import org.modstack.module.ModuleFile;
import org.modstack.module.SymbolVersion;
import org.modstack.util.Interner;
import org.modstack.util.Parallel;

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
    record Result(Map<String, ModuleStamp> stamps, boolean contentsChanged) {
    }

    /**
     * Reads every module whose file changed since {@code cache} was written; the others keep
     * their cache entry ({@link DepmodModule#cached}) until {@link #decodeCached}. Without
     * {@code stamped} (a run keeping no cache), every module not {@link ReadAhead read ahead} is
     * read and none is stamped. {@code names} gives each symbol name one String (thousands of
     * modules import the same few, and every module's contents stay until the indexes are
     * rendered: a full run's peak RSS on the 6.12 tree fell by about 14 MB).
     */
    static Result readAll(List<DepmodModule> modules, DepmodCache cache, boolean stamped, Interner names,
                          Depmod.Log log) {
        Map<String, ModuleStamp> stamps = new HashMap<>();
        List<DepmodModule> changed = new ArrayList<>();
        if (stamped) {
            lookUp(modules, cache, stamps, changed);
        } else {
            modules.stream().filter(m -> !m.readAhead).forEach(changed::add);
        }
        AtomicBoolean contentsChanged = new AtomicBoolean();
        Map<String, ModuleStamp> digested = new ConcurrentHashMap<>();
        Parallel.forEach(changed, m -> {
            DepmodCache.Entry previous = cache.entry(m.path);
            ModuleStamp stamp = stamps.get(m.path);
            if (stamp == null || m.path.endsWith(".ko")) {  // unreadable, unstamped or raw: no digest
                m.contents = read(m, names);
            } else {
                readWhole(m, stamp, previous, digested, names);
            }
            if (m.cached == null && !m.contents.equals(previous != null ? cache.contents(previous) : null)) {
                contentsChanged.set(true);  // a touched file usually holds the same
            }
        });
        if (!stamped) {
            contentsChanged.set(true);  // nothing cached: whatever was read is new
        }
        stamps.putAll(digested);
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

    /**
     * Stamps each module and looks it up in {@code cache}: a module found there keeps its entry,
     * the others are added to {@code changed}. In one thread: a lookup costs less than handing it
     * over.
     */
    private static void lookUp(List<DepmodModule> modules, DepmodCache cache, Map<String, ModuleStamp> stamps,
                               List<DepmodModule> changed) {
        for (DepmodModule m : modules) {
            DepmodCache.Entry cached = null;
            try {
                ModuleStamp stamp = m.stamp != null ? m.stamp : ModuleStamp.of(m.path);
                cached = cache.lookup(m.path, stamp);
                stamps.put(m.path, cached != null ? cached.stamp() : stamp);  // the cached one knows the digest
            } catch (IOException e) {
                // unreadable: readAll reads it, and reports it as kmod does
            }
            if (cached != null) {
                m.cached = cached;
            } else {
                changed.add(m);
            }
        }
    }

    /** Decodes the contents of every module {@link #readAll} found unchanged in {@code cache}. */
    static void decodeCached(List<DepmodModule> modules, DepmodCache cache) {
        Parallel.forEach(modules, m -> {
            if (m.cached != null) {
                DepmodModule.Contents c = cache.contents(m.cached);
                m.contents = c != null ? c : read(m, new Interner());
                m.cached = null;
            }
        });
    }

    /**
     * Reads a compressed module whole, and takes its cache entry instead when its bytes are the
     * ones cached ({@code m.cached}); else decompresses and reads them. {@code digested} is given
     * the stamp with the bytes' digest.
     */
    private static void readWhole(DepmodModule m, ModuleStamp stamp, DepmodCache.Entry previous,
                                  Map<String, ModuleStamp> digested, Interner names) {
        Path path = Path.of(m.path);
        byte[] bytes;
        try {
            bytes = ModuleFile.readWhole(path);
        } catch (ErrnoException e) {
            m.contents = failed(e);
            return;
        }
        ModuleStamp read = stamp.withBytes(bytes);
        digested.put(m.path, read);
        if (previous != null && read.sameBytes(previous.stamp())) {
            m.cached = previous;
            return;
        }
        KernelModule module;
        try {
            module = KernelModule.of(ModuleFile.ofScratch(path, bytes), names);
        } catch (ErrnoException e) {
            m.contents = failed(e);
            return;
        }
        m.contents = contents(module);
    }

    static DepmodModule.Contents read(DepmodModule m, Interner names) {
        try {
            return contents(KernelModule.of(ModuleFile.readScratch(Path.of(m.path)), names));
        } catch (ErrnoException e) {
            return failed(e);
        }
    }

    private static DepmodModule.Contents failed(ErrnoException e) {
        return new DepmodModule.Contents(List.of(), null, List.of(), List.of(), List.of(), e.errno().message());
    }

    /** The {@code .modinfo} keys depmod indexes. */
    private static final List<String> MODINFO_KEYS = List.of("alias", "softdep", "weakdep");

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
        for (ModinfoEntry e : module.modinfo(MODINFO_KEYS)) {
            switch (e.key()) {
                case "alias" -> aliases.add(e.value());
                case "softdep" -> softdeps.add(e.value());
                default -> weakdeps.add(e.value());
            }
        }
        return new DepmodModule.Contents(provided, required, aliases, softdeps, weakdeps, null);
    }
}
