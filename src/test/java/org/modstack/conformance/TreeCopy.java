package org.modstack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Writable copies of module trees for depmod runs: files hard-linked, indexes left out. */
final class TreeCopy {
    private TreeCopy() {
    }

    /** The files depmod writes; a copy starts without them. */
    static final List<String> OUTPUTS = List.of("modules.dep", "modules.dep.bin", "modules.alias",
            "modules.alias.bin", "modules.softdep", "modules.weakdep", "modules.symbols", "modules.symbols.bin",
            "modules.builtin.bin", "modules.builtin.alias.bin", "modules.devname");

    /** Copies the tree at {@code src} into {@code dst} by hard links (cheap, same bytes), symlinks as symlinks. */
    static Path link(Path src, Path dst) {
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = dst.resolve(src.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {  // e.g. merged /usr's lib -> usr/lib
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!OUTPUTS.contains(p.getFileName().toString())) {
                    Files.createLink(target, p);
                }
            }
            return dst;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes depmod's outputs from a module directory. */
    static void clean(Path moduleDir) {
        for (String f : OUTPUTS) {
            try {
                Files.deleteIfExists(moduleDir.resolve(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
