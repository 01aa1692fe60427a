package org.modstack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Debian module trees that {@code scripts/fetch-trees.sh} downloads and caches, and
 * the real kmod. Under {@code CI=true} a missing prerequisite fails the test; elsewhere it
 * skips it with a message saying what to run.
 */
public final class Trees {
    private Trees() {
    }

    /** A tree: its root (the -b argument) and its kernel release. */
    public record Tree(String name, Path root, String release) {
        public Path moduleDir() {
            return root.resolve("lib/modules").resolve(release);
        }

        /** Every module file, sorted by path. */
        public List<Path> modules() {
            try (Stream<Path> s = Files.walk(moduleDir())) {
                return s.filter(p -> p.getFileName().toString().matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?"))
                        .sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static Path cache() {
        String env = System.getenv("MODSTACK_CACHE");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "modstack");
    }

    /** The named tree, or a failed/skipped test when it is not there. */
    public static Tree require(String name) {
        requireKmod();
        Path root = cache().resolve("trees").resolve(name);
        if (!Files.exists(root.resolve(".complete"))) {
            missing("Debian module tree '" + name + "' not found under " + root
                    + "; run scripts/fetch-trees.sh " + name);
        }
        try {
            return new Tree(name, root, Files.readString(root.resolve("VERSION")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void requireKmod() {
        if (Kmod.binary() == null) {
            missing("kmod is not installed; run apt-get install kmod");
        }
    }

    public static void missing(String what) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("conformance prerequisite missing under CI: " + what);
        }
        Assumptions.abort(what);
    }
}
