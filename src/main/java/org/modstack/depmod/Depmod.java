package org.modstack.depmod;


import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.modstack.ErrnoException;
import org.modstack.index.KmodVersion;
import org.modstack.module.Import;
import org.modstack.module.ModuleName;
import org.modstack.module.SymbolVersion;
import org.modstack.util.Interner;

/**
 * depmod: computes the module stacks of a tree (who exports each symbol, who needs whom, in
 * which order a stack loads) and renders every index kmod writes, byte for byte.
 *
 * <p>The steps are kmod's: find the modules, order them (kmod's hash order, then
 * modules.order), read their exports and imports, resolve each import to the module that owns
 * the symbol, sort the modules topologically, and render the files ({@link DepmodOutputs}).
 * Only the cache is written here ({@link DepmodCache}, {@link PreviousRun}); see {@link IndexSet}
 * for writing the indexes.
 */
public final class Depmod {

    /** Where depmod's messages go; the library never prints. */
    public interface Log {
        /** {@code depmod: ERROR: ...}. */
        void error(String message);

        /** {@code depmod: WARNING: ...}. */
        void warning(String message);

        /** {@code depmod: INFO: ...}, shown at {@code -vv}. */
        default void info(String message) {
        }

        /** The dependency trace {@code -v} prints on standard output. */
        default void show(String message) {
        }

        /**
         * Whether {@link #show} messages are printed or kept: without {@code -v}, none of the
         * Debian tree's 5,800 is made (5 MB of a full run's garbage).
         */
        default boolean shows() {
            return true;
        }
    }

    /**
     * What to index.
     *
     * @param moduleDir the module directory, {@code <base>/lib/modules/<release>}
     * @param outputDir where the indexes are written: the module directory unless {@code -o}
     * @param release the kernel release (for depmod.d kernel patterns)
     * @param config depmod.d's settings; used only when searching the whole tree
     * @param explicitModules absolute paths of the modules to index instead of searching
     * @param kernelSymbols the kernel's exports from {@code -E} or {@code -F}, if given
     * @param checkVersions whether kernel CRCs are known ({@code -E}) and must be compared
     * @param reportUnknown whether {@code -e} asks to report unknown symbols and CRC mismatches
     * @param warnDuplicates whether {@code -w} asks to report duplicate index keys
     * @param symbolPrefix the architecture's symbol prefix ({@code -P}), or 0
     * @param version the kmod release whose output to reproduce
     * @param cacheDir where the cache of module contents lives ({@link DepmodCache}), if used
     * @param dryRun {@code depmod -n}: render only the text files and leave the cache alone
     */
    public record Options(String moduleDir, String outputDir, String release, DepmodConfig config,
                          List<String> explicitModules,
                          Optional<List<SymbolVersion>> kernelSymbols, boolean checkVersions,
                          boolean reportUnknown, boolean warnDuplicates, char symbolPrefix, KmodVersion version,
                          Optional<Path> cacheDir, boolean dryRun) {
    }

    /** A symbol and the module that owns it (null for the kernel). */
    static final class Symbol {
        final String name;
        final DepmodModule owner;
        final long crc;

        Symbol(String name, DepmodModule owner, long crc) {
            this.name = name;
            this.owner = owner;
            this.crc = crc;
        }
    }

    /** The computed stacks: modules in output order and the symbol table. */
    record Stacks(List<DepmodModule> modules, Map<String, Symbol> symbols) {
    }

    private Depmod() {
    }

    /**
     * Computes the stacks of a tree and renders kmod's index files from them.
     *
     * @throws DepmodException when the tree cannot be indexed (a dependency cycle, a missing
     *     directory), after the cause was logged in depmod's words
     */
    public static List<IndexSet.File> run(Options options, Log log) throws ErrnoException, DepmodException {
        return index(options, log).files();
    }

    /**
     * The files of a run, and whether they are the previous run's, found on disk as rendered
     * ({@link PreviousRun}) instead of rendered again.
     */
    record Indexed(List<IndexSet.File> files, boolean reused) {
    }

    static Indexed index(Options options, Log log) throws ErrnoException, DepmodException {
        Optional<Path> keep = options.dryRun() ? Optional.empty() : options.cacheDir();
        // read beside the search, which they do not depend on: the cache, the last run with its
        // files, and the tree's own input files
        CompletableFuture<DepmodCache> cacheLoaded = background("depmod-cache-load",
                () -> options.cacheDir().map(DepmodCache::load).orElseGet(DepmodCache::empty));
        CompletableFuture<Optional<PreviousRun>> lastRun = background("depmod-last-run",
                () -> keep.flatMap(dir -> PreviousRun.load(dir, Path.of(options.outputDir()))));
        CompletableFuture<Optional<byte[]>> treeFiles = background("depmod-tree-files",
                () -> keep.flatMap(dir -> PreviousRun.treeFiles(options.moduleDir())));
        boolean stamped = options.cacheDir().isPresent();
        Interner names = new Interner();
        List<DepmodModule> modules = ModuleOrder.arrange(collect(options, stamped, names, log), options, log);
        DepmodCache cache = cacheLoaded.join();
        ModuleReader.Result read = ModuleReader.readAll(modules, cache, stamped, names, log);
        long generation = read.contentsChanged() ? DepmodCache.newGeneration() : cache.generation();
        // When only stamps changed (a touched module), the cache read is written again with them:
        // encoding the whole tree's contents again took longer than the rest of such a run.
        boolean restamp = !read.contentsChanged() && cache.holdsExactly(read.stamps().keySet());
        CompletableFuture<Void> cacheWritten = restamp
                ? storeCache(options, read.stamps(), dir -> cache.restamp(dir, read.stamps()))
                : CompletableFuture.completedFuture(null);
        try {
            Optional<byte[]> inputs = treeFiles.join().map(tree -> PreviousRun.inputs(options, modules, tree));
            Optional<PreviousRun> same = lastRun.join()
                    .filter(p -> inputs.isPresent() && p.indexed(generation, inputs.get()));
            if (same.isPresent()) {
                same.get().replayTo(log);
                return new Indexed(same.get().files(), true);
            }
            ModuleReader.decodeCached(modules, cache);
            if (!restamp) {
                cacheWritten = storeCache(options, read.stamps(),
                        dir -> DepmodCache.store(dir, generation, modules, read.stamps()));
            }
            // a run kept for replay keeps its trace, which a later -v run prints
            List<IndexSet.File> files = render(modules, options, log, inputs.isPresent() || log.shows(), rendering -> {
                if (inputs.isPresent()) {
                    keepRun(keep.get(), generation, inputs.get(), rendering);
                }
            });
            return new Indexed(files, false);
        } finally {
            cacheWritten.join();
        }
    }

    /**
     * Links and renders, logging as it goes (the {@code -v} trace only if {@code shows});
     * {@code rendered} is then given the files and every message logged.
     */
    private static List<IndexSet.File> render(List<DepmodModule> modules, Options options, Log log, boolean shows,
                                              Consumer<PreviousRun.Rendering> rendered) throws DepmodException {
        BufferedLog messages = new BufferedLog(shows);
        List<IndexSet.File> files;
        try {
            files = new DepmodOutputs(options, link(modules, options, messages), messages).render();
        } finally {
            messages.replayTo(log);
        }
        rendered.accept(new PreviousRun.Rendering(files, messages.messages()));
        return files;
    }

    /** Resolves every module's imports to the modules owning the symbols, and orders the stacks. */
    static Stacks link(List<DepmodModule> modules, Options options, Log log) throws DepmodException {
        Map<String, Symbol> symbols = new HashMap<>();
        options.kernelSymbols().ifPresent(ks -> addKernelSymbols(symbols, ks, options.symbolPrefix()));
        for (DepmodModule m : modules) {
            for (SymbolVersion s : m.contents.provided()) {
                add(symbols, s.name(), m, s.crc(), options.symbolPrefix(), false);
            }
        }
        for (DepmodModule m : modules) {
            resolve(m, symbols, options, log);
        }
        Dependencies.sort(modules, log);
        return new Stacks(modules, symbols);
    }

    /** Writes the cache into its directory, whole or not at all. */
    private interface CacheWrite {
        void into(Path dir) throws IOException;
    }

    /**
     * Writes the cache beside the work that follows, which does not change the modules'
     * contents. Nothing is written for a dry run, without a cache, or when every file was found
     * unchanged ({@code stamps} empty).
     */
    private static CompletableFuture<Void> storeCache(Options options, Map<String, ModuleStamp> stamps,
                                                      CacheWrite write) {
        if (options.dryRun() || options.cacheDir().isEmpty() || stamps.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Path dir = options.cacheDir().get();
        return background("depmod-cache-store", () -> {
            try {
                write.into(dir);
            } catch (IOException e) {
                // The cache only saves time; a run that cannot keep one still indexes correctly.
            }
            return null;
        });
    }

    /**
     * {@code work} on a thread of its own: the common pool has one worker on two cores, and the
     * search and the rendering need it.
     */
    private static <T> CompletableFuture<T> background(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        });
    }

    private static void keepRun(Path dir, long generation, byte[] inputs, PreviousRun.Rendering rendering) {
        try {
            PreviousRun.store(dir, generation, inputs, rendering);
        } catch (IOException e) {
            // as the cache: the next run renders again
        }
    }

    /**
     * The modules to index: those named on the command line, or those the search finds. A
     * search for a run without a cache ({@code stamped} false) reads each module as it finds it.
     */
    private static Map<String, DepmodModule> collect(Options options, boolean stamped, Interner names,
                                                     Log log) throws ErrnoException, DepmodException {
        if (options.explicitModules().isEmpty()) {
            if (stamped) {
                return new ModuleSearch(options.moduleDir(), options.config(), true, m -> { }, log).run();
            }
            ReadAhead ahead = new ReadAhead(names);
            try {
                return new ModuleSearch(options.moduleDir(), options.config(), false, ahead, log).run();
            } finally {
                ahead.finish();
            }
        }
        Map<String, DepmodModule> byName = new LinkedHashMap<>();
        for (String path : options.explicitModules()) {
            String name = ModuleName.fromPath(path);
            if (byName.containsKey(name)) {
                log.error("hash_add_unique " + name + ": File exists\n");
                throw new DepmodException("could not add module " + path + ": File exists\n");
            }
            byName.put(name, new DepmodModule(name, path, options.moduleDir()));
        }
        return byName;
    }

    private static void addKernelSymbols(Map<String, Symbol> symbols, List<SymbolVersion> kernel, char prefix) {
        for (SymbolVersion s : kernel) {
            add(symbols, s.name(), null, s.crc(), prefix, true);  // the readers skipped the prefix
        }
        // The loader provides these itself; kmod adds them after the kernel's list.
        add(symbols, KernelSymbols.FAKE.get(0), null, 0, prefix, true);
        add(symbols, KernelSymbols.FAKE.get(1), null, 0, prefix, true);
        if (!symbols.containsKey(KernelSymbols.FAKE.get(2))) {
            add(symbols, KernelSymbols.FAKE.get(2), null, 0, prefix, true);
        }
    }

    /** Adds or replaces a symbol: the last module to export a name owns it, as in kmod. */
    private static void add(Map<String, Symbol> symbols, String name, DepmodModule owner, long crc, char prefix,
                            boolean prefixSkipped) {
        String n = !prefixSkipped && !name.isEmpty() && name.charAt(0) == prefix ? name.substring(1) : name;
        symbols.put(n, new Symbol(n, owner, crc));
    }

    private static Symbol find(Map<String, Symbol> symbols, String name, char prefix) {
        // the first char compared, not startsWith: C1, which compiles a depmod, calls it for
        // each of the tree's 300,000 imports (3% of a full run's samples)
        String n = !name.isEmpty() && name.charAt(0) == '.' ? name.substring(1) : name;  // PPC64: .foo is foo
        if (!n.isEmpty() && n.charAt(0) == prefix) {
            n = n.substring(1);
        }
        return symbols.get(n);
    }

    private static void resolve(DepmodModule m, Map<String, Symbol> symbols, Options options, Log log) {
        if (m.contents.required() == null) {
            return;
        }
        for (Import imp : m.contents.required()) {
            Symbol sym = find(symbols, imp.name(), options.symbolPrefix());
            if (sym == null) {
                if (options.reportUnknown() && !imp.weak()) {
                    log.warning(m.path + " needs unknown symbol " + imp.name() + "\n");
                }
                continue;
            }
            if (options.checkVersions() && sym.crc != imp.crc().orElse(0) && !imp.weak() && options.reportUnknown()) {
                log.warning(m.path + " disagrees about version of symbol " + imp.name() + "\n");
            }
            if (sym.owner != null && m.addDependency(sym.owner) && log.shows()) {
                log.show(m.path + " needs \"" + sym.name + "\": " + sym.owner.path + "\n");
            }
        }
    }

    /** The kernel's exports from a Module.symvers ({@code depmod -E}). */
    public static List<SymbolVersion> symvers(Path file, char prefix, Log log) throws ErrnoException {
        return KernelSymbols.fromSymvers(file, prefix, log);
    }

    /** The kernel's exports from a System.map ({@code depmod -F}). */
    public static List<SymbolVersion> systemMap(Path file, char prefix, Log log) throws ErrnoException {
        return KernelSymbols.fromSystemMap(file, prefix, log);
    }

    /** The directory the module directories are in unless {@code depmod -m} says otherwise. */
    public static final String MODULE_DIRECTORY = "/lib/modules";

    /**
     * The module directory kmod 34's depmod uses: {@code <base>/<moduleDirectory>/<release>}, the
     * module directory ({@code -m}) always relative to the base, its leading slashes dropped and
     * the rest kept as given (a trailing slash makes a {@code //} in the path, as in kmod's).
     */
    public static String moduleDir(String base, String moduleDirectory, String release) {
        return base + "/" + moduleDirectory.replaceFirst("^/+", "") + "/" + release;
    }

    /** Whether kmod takes {@code s} as a kernel release: it starts with {@code <digits>.<digits>}. */
    public static boolean isVersionNumber(String s) {
        return s.matches("(?s)\\s*[+-]?\\d+\\.\\s*[+-]?\\d+.*");
    }
}
