package org.modstack.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The configuration files kmod reads from a list of paths: a path to a file is taken as is; a
 * directory gives its {@code *.conf} files (hidden files and subdirectories skipped). Files
 * are ordered by base name across all paths, and a name seen in an earlier path hides the same
 * name in later ones, so {@code /etc} overrides {@code /lib}.
 */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static List<Path> list(List<String> paths, Consumer<DepmodConfig.Message> log) {
        TreeMap<String, Path> byName = new TreeMap<>();
        for (String p : paths) {
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                continue;
            }
            if (!Files.isDirectory(path)) {
                byName.putIfAbsent(path.getFileName().toString(), path);
                continue;
            }
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(path)) {
                for (Path f : dir) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".") || name.length() < 6 || !name.endsWith(".conf")) {
                        continue;
                    }
                    if (Files.isDirectory(f)) {
                        log.accept(new DepmodConfig.Message(true,
                                "Directories inside directories are not supported: " + p + "/" + name + "\n"));
                        continue;
                    }
                    byName.putIfAbsent(name, f);
                }
            } catch (IOException e) {
                log.accept(new DepmodConfig.Message(true, "files list " + p + ": "
                        + org.modstack.ErrnoException.of(e, "").errno().message() + "\n"));
            }
        }
        return new ArrayList<>(byName.values());
    }
}
