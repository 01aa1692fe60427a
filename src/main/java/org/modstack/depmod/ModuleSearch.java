package org.modstack.depmod;


import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.modstack.ErrnoException;
import org.modstack.module.Compression;
import org.modstack.module.ModuleName;

/**
 * Finds the modules of a tree as depmod does: every file with a module extension below the
 * module directory and the external directories, in directory order, skipping {@code build},
 * {@code source} and excluded names; when two files share a module name, the depmod.d
 * priorities (override, search, external) decide which one is kept.
 */
final class ModuleSearch {

    private final String moduleDir;
    private final DepmodConfig config;
    private final Depmod.Log log;
    private final boolean stamped;
    private final Consumer<DepmodModule> found;
    private final Map<String, DepmodModule> byName = new LinkedHashMap<>();

    /**
     * @param stamped whether each module kept is given its {@link ModuleStamp}, for a run keeping
     *     a cache; a run without one stats for the file type only (the JDK reads a stamp's change
     *     time and inode only through a map of attributes, 40 ms of a full run's search)
     * @param found given each module as it is kept (a later file may still replace it)
     */
    ModuleSearch(String moduleDir, DepmodConfig config, boolean stamped, Consumer<DepmodModule> found,
                 Depmod.Log log) {
        this.moduleDir = moduleDir;
        this.config = config;
        this.stamped = stamped;
        this.found = found;
        this.log = log;
    }

    /** Searches the module directory, then each external directory. */
    Map<String, DepmodModule> run() throws ErrnoException {
        searchRoot(moduleDir, true);
        for (String external : config.externals()) {
            searchRoot(external, false);
        }
        return byName;
    }

    private void searchRoot(String dir, boolean required) throws ErrnoException {
        try {
            searchDir(Path.of(dir), dir + "/", FIRST_DIR_FD);
        } catch (IOException e) {  // said of every directory; only the module directory's stops depmod
            log.error(couldNotOpen(dir, e));
            if (required) {
                throw ErrnoException.of(e, dir);
            }
        }
    }

    /**
     * kmod names a directory by its file descriptor in some messages: the module directory is
     * opened as descriptor 3 and each level below takes the next one.
     */
    static final int FIRST_DIR_FD = 3;
    private static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;

    private void searchDir(Path dir, String prefix, int fd) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (excluded(name)) {
                    continue;
                }
                String path = prefix + name;
                Map<String, Object> attributes;
                int type;
                try {
                    // follows links, as fstatat
                    attributes = stamped ? Files.readAttributes(entry, ModuleStamp.ATTRIBUTES) : null;
                    type = attributes != null ? (Integer) attributes.get("mode") & S_IFMT : type(entry);
                } catch (IOException e) {
                    log.error(statFailed(fd, name, e));
                    continue;
                }
                if (type == S_IFDIR) {
                    try {
                        searchDir(entry, path + "/", fd + 1);
                    } catch (IOException e) {
                        log.error(openFailed(fd, name, e));
                    }
                } else if (type == S_IFREG) {
                    consider(path, name, attributes);
                } else {
                    log.error(unsupported(path, type));
                }
            }
        }
    }

    /** What kmod says when it cannot open a directory it searches from. */
    static String couldNotOpen(String dir, IOException e) {
        return "could not open directory " + dir + ": " + ErrnoException.of(e, dir).errno().message() + "\n";
    }

    /** What kmod says when it cannot stat {@code name} in the directory open as {@code fd}. */
    static String statFailed(int fd, String name, IOException e) {
        return "fstatat(" + fd + ", " + name + "): " + ErrnoException.of(e, name).errno().message() + "\n";
    }

    /** What kmod says when it cannot open the directory {@code name} in the one open as {@code fd}. */
    static String openFailed(int fd, String name, IOException e) {
        return "openat(" + fd + ", " + name + ", O_RDONLY): " + ErrnoException.of(e, name).errno().message() + "\n";
    }

    /** What kmod says of an entry neither a directory nor a regular file. */
    static String unsupported(CharSequence path, int type) {
        return "unsupported file type " + path + ": " + Integer.toOctalString(type) + "\n";
    }

    /** The file type bits of {@code entry}'s mode, from its basic attributes where they tell. */
    static int type(Path entry) throws IOException {
        BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class);
        if (a.isDirectory()) {
            return S_IFDIR;
        }
        return a.isRegularFile() ? S_IFREG : (Integer) Files.getAttribute(entry, "unix:mode") & S_IFMT;
    }

    private boolean excluded(String name) {
        return name.equals(".") || name.equals("..") || name.equals("build") || name.equals("source")
                || config.excludes().contains(name);
    }

    private void consider(String path, String fileName, Map<String, Object> attributes) {
        if (!Compression.isModuleFileName(fileName)) {
            return;
        }
        String name = ModuleName.fromPath(path);
        DepmodModule existing = byName.get(name);
        if (existing != null && existingWins(existing, path, name)) {
            return;
        }
        byName.remove(name);
        DepmodModule m = new DepmodModule(name, path, moduleDir);
        m.stamp = attributes != null ? ModuleStamp.of(attributes) : null;  // only for the files kept
        byName.put(name, m);
        found.accept(m);
    }


    /**
     * Whether the module already found outranks the file at {@code newPath}: an override naming
     * either decides; otherwise the later-listed search entry it falls under wins, and on a tie
     * the one found first stays.
     */
    private boolean existingWins(DepmodModule old, String newPath, String name) {
        // kmod compares "directory/<module name>" prefixes, extension excluded, so that an
        // override matches any compression of the file.
        String newStem = newPath.substring(0, newPath.lastIndexOf('/') + 1 + name.length());
        String oldStem = old.path.substring(0, old.baseLength + 1 + name.length());
        String relNew = relative(newStem);
        String relOld = relative(oldStem);
        for (String ov : config.overrides()) {
            if (ov.equals(relNew)) {
                return false;
            }
            if (ov.equals(relOld)) {
                return true;
            }
        }
        int builtIn = -1;
        int newPrio = -1;
        int oldPrio = -1;
        int i = 0;
        for (String search : config.searches()) {
            if (search.equals(DepmodConfig.BUILT_IN)) {
                builtIn = i;
            } else if (search.equals(DepmodConfig.EXTERNAL)) {
                for (String ext : config.externals()) {
                    if (under(newStem, ext)) {
                        newPrio = i;
                    }
                    if (under(oldStem, ext)) {
                        oldPrio = i;
                    }
                    i++;
                }
            } else if (relNew != null && under(relNew, search)) {
                newPrio = i;
            } else if (relOld != null && under(relOld, search)) {
                oldPrio = i;
            }
            i++;
        }
        return (newPrio < 0 ? builtIn : newPrio) <= (oldPrio < 0 ? builtIn : oldPrio);
    }

    private String relative(String stem) {
        return stem.startsWith(moduleDir) && stem.length() > moduleDir.length()
                ? stem.substring(moduleDir.length() + 1) : null;
    }

    private static boolean under(String path, String dir) {
        return path.length() > dir.length() && path.charAt(dir.length()) == '/' && path.startsWith(dir);
    }
}
