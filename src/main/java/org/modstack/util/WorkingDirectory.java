package org.modstack.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The working directory as kmod spells it, and paths made absolute against it. */
public final class WorkingDirectory {
    private WorkingDirectory() {
    }

    /**
     * The working directory as {@code get_current_dir_name} gives it: {@code $PWD} when it names
     * the same directory (so a directory reached through a symbolic link keeps that spelling),
     * else the JVM's.
     */
    public static String get() {
        String cwd = System.getProperty("user.dir");
        String pwd = System.getenv("PWD");
        if (pwd != null && pwd.startsWith("/") && !pwd.equals(cwd)) {
            try {
                if (Files.isSameFile(Path.of(pwd), Path.of(cwd))) {
                    return pwd;
                }
            } catch (IOException | InvalidPathException e) {
                // $PWD names nothing (or nothing valid): not the same directory
            }
        }
        return cwd;
    }

    /** kmod's path_make_absolute: a relative path joined to the working directory. */
    public static String absolute(String path) {
        return path.startsWith("/") ? path : get() + "/" + path;
    }
}
