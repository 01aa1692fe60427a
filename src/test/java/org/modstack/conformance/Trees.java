package org.modstack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Debian module trees that {@code scripts/fetch-trees.sh} downloads and caches, and
 * the real kmod. Under {@code CI=true} a missing prerequisite fails the test; elsewhere it
 * skips it with a message saying what to run.
 *
 * <p>A tree that is there must have been built from exactly the packages
 * {@code scripts/debian-packages.lock} pins (its {@code .packages} equals its lock lines; the
 * compressed trees share amd64's): the expectations were recorded on those. Any other tree fails
 * the test, CI or not, in one line. Each tree's packages are printed once, so a log says what the
 * suite compared against.
 */
public final class Trees {
    /** The lock, relative to the project root (the tests' working directory). */
    static final Path LOCK = Path.of(System.getenv().getOrDefault("MODSTACK_PACKAGES_LOCK",
            "scripts/debian-packages.lock"));
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    /** The trees fetch-trees makes by recompressing the amd64 tree's modules: amd64's packages. */
    private static final Set<String> DERIVED_FROM_AMD64 = Set.of("amd64-xz", "amd64-zst");
    /**
     * Debian's amd64 kernels of the other generations (bullseye's 5.10, trixie's 6.12, forky's 7.2),
     * depmod'ed by fetch-trees with kmod 34; {@code amd64} is bookworm's 6.1.
     */
    public static final List<String> GENERATIONS = List.of("amd64-5.10", "amd64-6.12", "amd64-7.2");

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
    /** Fewer modules than any Debian kernel ships: a damaged or emptied tree, never a real one. */
    static final int MIN_MODULES = 2000;

    public static Tree require(String name) {
        requireKmod();
        Path root = cache().resolve("trees").resolve(name);
        if (!Files.exists(root.resolve(".complete"))) {
            missing("Debian module tree '" + name + "' not found under " + root
                    + "; run scripts/fetch-trees.sh " + name);
        }
        try {
            Tree tree = new Tree(name, root, Files.readString(root.resolve("VERSION")).strip());
            requirePinned(name, root);
            int modules = tree.modules().size();
            if (modules < MIN_MODULES) {
                throw new AssertionError("Debian module tree '" + name + "' holds " + modules + " modules, fewer than"
                        + " any Debian kernel ships (" + MIN_MODULES + "): a suite on it would compare nothing");
            }
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lock's lines for a tree, as {@code .packages} holds them: {@code package version arch sha256}. */
    public static List<String> pinned(String name) throws IOException {
        String base = DERIVED_FROM_AMD64.contains(name) ? "amd64" : name;
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(LOCK, StandardCharsets.UTF_8)) {
            String[] w = line.strip().split("\\s+");
            if (w.length == 5 && !w[0].startsWith("#") && w[0].equals(base)) {
                out.add(String.join(" ", w[1], w[2], w[3], w[4]));
            }
        }
        return out;
    }

    /** Fails, in one line, unless the tree at {@code root} was built from the pinned packages. */
    static void requirePinned(String name, Path root) throws IOException {
        List<String> want = pinned(name);
        Path packages = root.resolve(".packages");
        List<String> got = Files.exists(packages)
                ? Files.readAllLines(packages, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(l -> !l.isEmpty()).toList()
                : List.of();
        Path fallback = root.resolve(".fallback");
        if (want.isEmpty() || !got.equals(want)) {
            // the same names and versions: the arch or the SHA-256 differs, so show whole lines
            boolean sameNames = names(got).equals(names(want));
            throw new AssertionError("Debian tree '" + name + "' (" + root + ") was built from "
                    + (got.isEmpty() ? "unrecorded packages (no .packages)" : sameNames ? String.join(", ", got) : names(got))
                    + ", but " + LOCK + " pins "
                    + (want.isEmpty() ? "nothing for it" : sameNames ? String.join(", ", want) : names(want))
                    + ": the suite's expectations were recorded on the pinned packages; "
                    + (Files.exists(fallback)
                            ? "the tree is a fallback (" + fallback + ": the pinned packages left the archive), run"
                                    + " scripts/repin --from-trees to regenerate the expectations from it"
                            : "run scripts/fetch-trees.sh " + name + " to rebuild it"));
        }
        if (REPORTED.add(name)) {
            System.out.println("[trees] " + name + " compared against " + String.join(", ", got)
                    + (Files.exists(fallback) ? " (a FALLBACK for what the lock pinned before scripts/repin, see "
                            + fallback + ")" : " (as " + LOCK + " pins)"));
        }
    }

    private static String names(List<String> rows) {
        return rows.stream().map(r -> {
            String[] w = r.split(" ");
            return w.length >= 2 ? w[0] + " " + w[1] : r;
        }).reduce((a, b) -> a + ", " + b).orElse("");
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
