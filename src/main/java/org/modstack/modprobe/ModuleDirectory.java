package org.modstack.modprobe;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.index.IndexFile;
import org.modstack.index.IndexFormat;
import org.modstack.index.KmodVersion;
import org.modstack.util.CString;
import org.modstack.util.ConfigLines;
import org.modstack.util.FileBytes;
import org.modstack.util.PathMax;
import org.modstack.util.WorkingDirectory;

/**
 * A module directory, {@code <root>/lib/modules/<release>}, and the indexes depmod wrote in it.
 *
 * <p>Each index is mapped on first use and kept; a missing index reads as empty, as it does
 * for kmod.
 */
public final class ModuleDirectory {
    /** The binary indexes kmod reads, by file name. */
    public enum Index {
        DEP("modules.dep.bin"),
        ALIAS("modules.alias.bin"),
        SYMBOL("modules.symbols.bin"),
        BUILTIN_ALIAS("modules.builtin.alias.bin"),
        BUILTIN("modules.builtin.bin");

        private final String fileName;

        Index(String fileName) {
            this.fileName = fileName;
        }

        public String fileName() {
            return fileName;
        }
    }

    private final String dirname;
    private final IndexFile.Reader reader;
    private final Map<Index, Optional<IndexFile>> indexes = new HashMap<>();
    /** The modules.dep lines looked up: modprobe reads each module's twice, to find it and for its dependencies. */
    private final Map<String, Optional<String>> depLines = new HashMap<>();
    private final Map<String, DependencyFile> dependencyFiles = new HashMap<>();
    private Map<String, List<String>> builtinModinfo;

    private ModuleDirectory(String dirname, IndexFile.Reader reader) {
        this.dirname = dirname;
        this.reader = reader;
    }

    /**
     * The directory {@code dirname} exactly as given (kmod joins relative paths onto it as text),
     * its indexes read as modprobe reads them.
     */
    public static ModuleDirectory of(String dirname) {
        return new ModuleDirectory(dirname, IndexFile.Reader.MAPPED);
    }

    /** The same directory, its indexes read as {@code reader} does (modinfo: {@code STREAM}). */
    public ModuleDirectory readingWith(IndexFile.Reader r) {
        return new ModuleDirectory(dirname, r);
    }

    /**
     * The directory kmod's tools use: {@code <root>/lib/modules/<release>}, with the running
     * kernel's release when none is given and {@code /} when no root is.
     */
    public static ModuleDirectory of(Optional<String> root, Optional<String> release) throws ErrnoException {
        String ver = release.isPresent() ? release.get() : runningRelease();
        return of(root.orElse("") + "/lib/modules/" + ver);
    }

    /**
     * The directory modprobe and modinfo build from a root and a release they were given
     * ({@code -d}/{@code -S}, {@code -b}/{@code -k}): {@code <root>/lib/modules/<release>}, the
     * running kernel's release when none is given, in a buffer of PATH_MAX bytes, which kmod 30
     * cuts a longer name to and kmod 34 refuses it for; then made absolute as libkmod makes it.
     *
     * @throws ErrnoException ENAMETOOLONG under kmod 34, naming the whole directory
     */
    public static ModuleDirectory given(String root, Optional<String> release, KmodVersion version)
            throws ErrnoException {
        String dirname = root + "/lib/modules/" + (release.isPresent() ? release.get() : runningRelease());
        return of(WorkingDirectory.absolute(fitted(dirname, version)));  // kmod_new's, from the working directory
    }

    /**
     * A module directory's name as a kmod tool's PATH_MAX buffer holds it: kmod 30 cuts a longer
     * one ({@code snprintf}), kmod 34 refuses it.
     *
     * @throws ErrnoException ENAMETOOLONG under kmod 34, naming the whole directory
     */
    public static String fitted(String dirname, KmodVersion version) throws ErrnoException {
        if (PathMax.fits(dirname)) {
            return dirname;
        }
        if (version != KmodVersion.KMOD30) {
            throw new ErrnoException(Errno.ENAMETOOLONG, dirname);
        }
        return PathMax.cut(dirname);
    }

    /** The release of the running kernel, as {@code uname -r} prints it. */
    public static String runningRelease() throws ErrnoException {
        try {
            return new String(FileBytes.readAll(Path.of("/proc/sys/kernel/osrelease")), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw ErrnoException.of(e, "uname");
        }
    }

    /**
     * The same directory, read as modprobe reads it: libkmod maps the dep, alias, symbols and
     * builtin indexes up front; when one is missing or damaged it falls back to reading each
     * lookup from the files, which orders tied values differently and passes over damaged files.
     * What index_mm_open says of a bad file goes to {@code log}.
     */
    public ModuleDirectory asModprobeReadsIt(Consumer<LibkmodError> log) {
        for (Index i : List.of(Index.DEP, Index.ALIAS, Index.SYMBOL, Index.BUILTIN)) {
            Path file = Path.of(dirname, i.fileName());
            byte[] head;
            try {
                head = FileBytes.readHead(file, IndexFormat.HEADER_SIZE);
            } catch (IOException e) {
                notMapped(file, log);
                return readingWith(IndexFile.Reader.STREAM);
            }
            if (head.length < IndexFormat.HEADER_SIZE) {
                return readingWith(IndexFile.Reader.STREAM);
            }
            ByteBuffer header = ByteBuffer.wrap(head);
            int magic = header.getInt(0);
            int major = header.getInt(4) >>> 16;
            if (magic != IndexFormat.MAGIC) {
                log.accept(new LibkmodError("libkmod-index.c", 790, "index_mm_open", "magic check fail: "
                        + Integer.toHexString(magic) + " instead of " + Integer.toHexString(IndexFormat.MAGIC) + "\n"));
                return readingWith(IndexFile.Reader.STREAM);
            }
            if (major != IndexFormat.VERSION_MAJOR) {
                log.accept(new LibkmodError("libkmod-index.c", 797, "index_mm_open", "major version check fail: "
                        + major + " instead of " + IndexFormat.VERSION_MAJOR + "\n"));
                return readingWith(IndexFile.Reader.STREAM);
            }
        }
        return readingWith(IndexFile.Reader.MAPPED);
    }

    /**
     * An index file that could not be read: libkmod opens a directory, then fails to map it
     * unless it is too small to hold a header; anything else it fails to open, silently.
     */
    private static void notMapped(Path file, Consumer<LibkmodError> log) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.isDirectory() && a.size() >= IndexFormat.HEADER_SIZE) {
                log.accept(LibkmodError.indexNotMapped(a.size()));
            }
        } catch (IOException e) {
            // missing or unreachable: open(2) fails too, and libkmod says nothing
        }
    }

    /** The directory's path as kmod spells it. */
    public String dirname() {
        return dirname;
    }

    /** A path from an index, made absolute against this directory unless it already is. */
    public String resolve(String relpath) {
        return relpath.startsWith("/") ? relpath : dirname + "/" + relpath;
    }

    /**
     * The index, if its file exists; read as a stream, as libkmod's index_file_open reads it,
     * if it can be opened and read and is an index at all.
     *
     * @throws ErrnoException when it exists but cannot be mapped or is not an index
     */
    public synchronized Optional<IndexFile> index(Index which) throws ErrnoException {
        Optional<IndexFile> idx = indexes.get(which);
        if (idx == null) {
            try {
                idx = Optional.of(IndexFile.open(Path.of(dirname, which.fileName()), reader));
            } catch (ErrnoException e) {  // an IndexFormatException too
                if (reader != IndexFile.Reader.STREAM && !(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
                idx = Optional.empty();  // libkmod's stream reader passes over what it cannot read
            }
            indexes.put(which, idx);
        }
        return idx;
    }

    /**
     * The files of the dependencies the modules.dep {@code line} lists, as libkmod makes modules
     * of them (kmod_module_parse_depline): each joined to this directory, made absolute, and
     * required to stat. The first that does not fails the whole line: it is logged, as libkmod
     * logs it, and the result is empty. {@code ctx} stands for libkmod's context, whose address
     * the message gives.
     */
    public Optional<List<String>> dependencyFiles(String line, Object ctx, Consumer<LibkmodError> log) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            return Optional.of(List.of());
        }
        List<String> files = new ArrayList<>();
        // as libkmod's strtok_r(" \t"): a regex split compiled a pattern per line, a third of -a's time
        ConfigLines.Tokens words = new ConfigLines.Tokens(line, colon + 1);
        for (String dep = words.next(); dep != null; dep = words.next()) {
            try {
                files.add(dependencyFile(dep));
            } catch (ErrnoException e) {
                log.accept(new LibkmodError("libkmod-module.c", 191, "kmod_module_parse_depline", "ctx=0x"
                        + Integer.toHexString(System.identityHashCode(ctx)) + " path=" + resolve(dep) + " error="
                        + e.errno().message() + "\n"));
                return Optional.empty();
            }
        }
        return Optional.of(files);
    }

    /**
     * The file of the dependency {@code relpath} of a modules.dep line as libkmod makes a module
     * of it: joined to this directory, made absolute, and required to stat. Each is looked at
     * once a run: modprobe -a meets the 766 files of Debian's tree 10,000 times as dependencies.
     *
     * @throws ErrnoException why the file does not stat
     */
    private synchronized String dependencyFile(String relpath) throws ErrnoException {
        DependencyFile f = dependencyFiles.get(relpath);
        if (f == null) {
            String absolute = WorkingDirectory.absolute(resolve(relpath));
            f = new DependencyFile(absolute, statFailure(absolute));
            dependencyFiles.put(relpath, f);
        }
        if (f.failure() != null) {
            throw f.failure();
        }
        return f.absolute();
    }

    /** A dependency's absolute path, and why it does not stat (null when it does). */
    private record DependencyFile(String absolute, ErrnoException failure) {
    }

    /** Why {@code path} does not stat, as stat(2) says; null when it does. */
    static ErrnoException statFailure(String path) {
        if (new File(path).exists()) {  // a stat without an attributes object: most files are there
            return null;
        }
        try {
            Files.readAttributes(Path.of(path), BasicFileAttributes.class);
            return null;
        } catch (IOException e) {
            return ErrnoException.of(e, path);
        } catch (InvalidPathException e) {
            return new ErrnoException(Errno.ENOENT, path);
        }
    }

    /** The {@code modules.dep} line of module {@code name}: {@code relpath: dep dep...}. */
    public synchronized Optional<String> depLine(String name) throws ErrnoException {
        Optional<String> line = depLines.get(name);
        if (line == null) {
            Optional<IndexFile> idx = index(Index.DEP);
            line = idx.isPresent() ? idx.get().search(name) : Optional.empty();
            depLines.put(name, line);
        }
        return line;
    }

    /** The path of module {@code name} from {@code modules.dep}, resolved against this directory. */
    public Optional<String> modulePath(String name) throws ErrnoException {
        Optional<String> line = depLine(name);
        int colon = line.isPresent() ? line.get().indexOf(':') : -1;
        return colon < 0 ? Optional.empty() : Optional.of(resolve(line.get().substring(0, colon)));
    }

    /**
     * The module {@code modules.symbols} names as providing {@code symbol}: the module depmod
     * resolved the symbol to; empty for a symbol of the kernel image or one nothing provides.
     */
    public Optional<String> symbolProvider(String symbol) throws ErrnoException {
        Optional<IndexFile> idx = index(Index.SYMBOL);
        return idx.isPresent() ? idx.get().search("symbol:" + symbol) : Optional.empty();
    }

    /** Whether {@code modules.builtin.bin} lists module {@code name}. */
    public boolean isBuiltin(String name) throws ErrnoException {
        Optional<IndexFile> idx = index(Index.BUILTIN);
        return idx.isPresent() && idx.get().search(name).isPresent();
    }

    /**
     * The {@code modname.key=value} records of {@code modules.builtin.modinfo} for module
     * {@code name}, prefix stripped, in file order: the first run of consecutive records
     * naming it, as libkmod reads it.
     *
     * @return empty when the module is not in the file
     * @throws ErrnoException when the file cannot be read ({@code ENOENT} when it is missing)
     */
    public Optional<List<String>> builtinModinfo(String name) throws ErrnoException {
        return Optional.ofNullable(builtinModinfoRuns().get(name));
    }

    /** The modules {@code modules.builtin.modinfo} has records of (read once, as for {@link #builtinModinfo}). */
    public Set<String> builtinModinfoModules() throws ErrnoException {
        return Collections.unmodifiableSet(builtinModinfoRuns().keySet());
    }

    /**
     * Each module's first run of records, computed once: a virtual kernel asks for every module
     * it loads (libkmod reads one module's records, which depmod's order keeps together).
     */
    private synchronized Map<String, List<String>> builtinModinfoRuns() throws ErrnoException {
        if (builtinModinfo == null) {
            Map<String, List<String>> runs = new HashMap<>();
            String current = null;
            List<String> collecting = null;
            for (Map.Entry<String, String> r : builtinModinfoRecords()) {
                if (!r.getKey().equals(current)) {
                    current = r.getKey();
                    collecting = runs.containsKey(current) ? null : new ArrayList<>();  // only the first run counts
                    if (collecting != null) {
                        runs.put(current, collecting);
                    }
                }
                if (collecting != null) {
                    collecting.add(r.getValue());
                }
            }
            runs.replaceAll((module, records) -> List.copyOf(records));
            builtinModinfo = runs;
        }
        return builtinModinfo;
    }

    /**
     * Every record of {@code modules.builtin.modinfo} as (module, {@code key=value}), in file
     * order, up to the first record without a module prefix, where libkmod stops.
     */
    private List<Map.Entry<String, String>> builtinModinfoRecords() throws ErrnoException {
        byte[] data;
        try {
            data = FileBytes.readAll(Path.of(dirname, "modules.builtin.modinfo"));
        } catch (IOException e) {
            throw ErrnoException.of(e, dirname + "/modules.builtin.modinfo");
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < data.length;) {
            int end = CString.terminator(buf, i, data.length);
            String record = CString.text(buf, i, end);
            int dot = record.indexOf('.');
            if (dot < 0) {
                break;
            }
            out.add(Map.entry(record.substring(0, dot), record.substring(dot + 1)));
            i = end + 1;
        }
        return out;
    }
}
