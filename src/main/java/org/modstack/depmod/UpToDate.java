package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.modstack.module.Compression;

/**
 * {@code depmod -A}: whether modules.dep is at least as new as every module file below the
 * module directory, compared in whole seconds as kmod compares {@code st_mtime}.
 */
public final class UpToDate {
    private UpToDate() {
    }

    /** True when nothing needs indexing; false when a module is newer or modules.dep is missing. */
    public static boolean check(Path moduleDir) {
        try {
            long dep = seconds(Files.getLastModifiedTime(moduleDir.resolve("modules.dep")));
            return !newerModule(moduleDir, dep);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean newerModule(Path dir, long mtime) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.equals("build") || name.equals("source")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    if (newerModule(p, mtime)) {
                        return true;
                    }
                } else if (Compression.isModuleFileName(name)
                        && seconds(Files.getLastModifiedTime(p)) > mtime) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long seconds(FileTime t) {
        return t.to(TimeUnit.SECONDS);
    }
}
