package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.modstack.ErrnoException;
import org.modstack.module.Compression;

/**
 * {@code depmod -A}: whether modules.dep is at least as new as every module file below the
 * module directory, compared in whole seconds as kmod compares {@code st_mtime}, walked as kmod's
 * {@code depfile_up_to_date} walks it: in directory order, stopping at the first newer module,
 * and saying what it cannot read on the way (errors kmod then passes over, indexing the whole
 * tree).
 */
public final class UpToDate {
    /**
     * The path kmod prints, kept as its buffer is: a level writes its entries' names after its
     * own prefix, so a message about an entry it writes no name for shows the last one written.
     */
    private final StringBuilder path = new StringBuilder();
    private final Consumer<String> error;

    private UpToDate(Consumer<String> error) {
        this.error = error;
    }

    /**
     * True when nothing needs indexing; false when a module is newer, modules.dep is missing or
     * the directory cannot be read. {@code error} gets kmod's messages, without its prefix.
     */
    public static boolean check(Path moduleDir, Consumer<String> error) {
        String dirname = moduleDir.toString();
        UpToDate walk = new UpToDate(error);
        try (DirectoryStream<Path> top = Files.newDirectoryStream(moduleDir)) {
            long dep;
            try {
                dep = seconds(Files.getLastModifiedTime(moduleDir.resolve("modules.dep")));
            } catch (IOException e) {
                error.accept("could not fstatat(" + dirname + ", modules.dep): "
                        + ErrnoException.of(e, dirname).errno().message() + "\n");
                return false;
            }
            walk.path.append(dirname).append('/');
            return walk.upToDate(top, dep, walk.path.length(), ModuleSearch.FIRST_DIR_FD);
        } catch (IOException e) {
            error.accept(ModuleSearch.couldNotOpen(dirname, e));
            return false;
        }
    }

    private boolean upToDate(DirectoryStream<Path> entries, long mtime, int baselen, int fd) throws IOException {
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.equals("build") || name.equals("source")) {
                continue;
            }
            int type;
            try {
                type = ModuleSearch.type(entry);  // follows links, as fstatat
            } catch (IOException e) {
                error.accept(ModuleSearch.statFailed(fd, name, e));
                continue;
            }
            boolean newer;
            if (type == ModuleSearch.S_IFDIR) {
                newer = !subdirectoryUpToDate(entry, name, mtime, baselen, fd);
            } else if (type == ModuleSearch.S_IFREG) {
                newer = Compression.isModuleFileName(name) && newer(entry, name, mtime, baselen);
            } else {
                error.accept(ModuleSearch.unsupported(path, type));
                newer = false;
            }
            if (newer) {
                return false;
            }
        }
        return true;
    }

    private boolean subdirectoryUpToDate(Path dir, String name, long mtime, int baselen, int fd) throws IOException {
        name(baselen, name);
        DirectoryStream<Path> entries;
        try {
            entries = Files.newDirectoryStream(dir);
        } catch (IOException e) {
            error.accept(ModuleSearch.openFailed(fd, name, e));
            return true;
        }
        try (entries) {
            path.append('/');
            return upToDate(entries, mtime, path.length(), fd + 1);
        }
    }

    private boolean newer(Path module, String name, long mtime, int baselen) throws IOException {
        name(baselen, name);
        return seconds(Files.getLastModifiedTime(module)) > mtime;
    }

    /** The entry's name written after its level's prefix, as kmod copies it into its buffer. */
    private void name(int baselen, String name) {
        path.setLength(baselen);
        path.append(name);
    }

    private static long seconds(FileTime t) {
        return t.to(TimeUnit.SECONDS);
    }
}
