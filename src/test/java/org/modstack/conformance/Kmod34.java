package org.modstack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Both real kmod versions as commands, for conformance tests in any package: the system's kmod
 * 30 and Debian trixie's kmod 34, which {@code scripts/kmod34.sh} unpacks into the cache and
 * runs on host paths through that root's own dynamic loader; and the cached Debian trees of
 * {@link Trees}.
 *
 * <p>As with {@link Trees}, a missing prerequisite skips the test, or fails it under
 * {@code CI=true}. Under CI a missing kmod 34 root is built first (the script needs apt's
 * Debian mirror once); elsewhere the skip message says to run the script.
 */
public final class Kmod34 {
    private Kmod34() {
    }

    /** A cached Debian tree: the {@code -b} root and the kernel release. */
    public record DebianTree(Path root, String release) {
        public Path moduleDir() {
            return root.resolve("lib/modules").resolve(release);
        }
    }

    /** What a command did. */
    public record Result(int status, String out, String err) {
    }

    /** The named tree of {@code scripts/fetch-trees.sh}, or a skipped/failed test. */
    public static DebianTree tree(String name) {
        Trees.Tree t = Trees.require(name);
        return new DebianTree(t.root(), t.release());
    }

    /** The command running the system's kmod (30) as {@code tool}: argv[0] is the bare name. */
    public static List<String> kmod30(String tool) {
        Trees.requireKmod();
        return new ArrayList<>(List.of("bash", "-c", "exec -a \"$0\" \"$@\"", tool, Kmod.binary().toString()));
    }

    /** The command running kmod 34 as {@code tool}, a mutable list: arguments go after it. */
    public static List<String> kmod34(String tool) {
        Path script = Path.of("scripts/kmod34.sh").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            Trees.missing("scripts/kmod34.sh not found from " + Path.of("").toAbsolutePath());
        }
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci && !Files.exists(Trees.cache().resolve("kmod34/.complete"))) {
            Trees.missing("kmod 34 is not set up under " + Trees.cache() + "; run scripts/kmod34.sh");
        }
        // Warm, the script only prints; under CI it builds the root when it is missing.
        Result r = run(List.of(script.toString(), "--print-command", tool));
        if (r.status() != 0 || r.out().isBlank()) {
            Trees.missing("scripts/kmod34.sh --print-command " + tool + " failed: " + r.err());
        }
        // The prefix is shell-quoted words: bash splits it, and the arguments follow as "$@".
        return new ArrayList<>(List.of("bash", "-c", "exec " + r.out().strip() + " \"$@\"", tool));
    }

    /** Same as {@link #kmod34}. */
    public static List<String> command(String tool) {
        return kmod34(tool);
    }

    /** Runs {@code command} with LC_ALL=C and no input, collecting both outputs as Latin-1. */
    public static Result run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            return new Result(p.waitFor(), out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
