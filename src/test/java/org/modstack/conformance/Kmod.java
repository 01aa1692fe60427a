package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.modstack.cli.Main;

/** The two sides of a comparison: the real kmod tools and modstack run in-process. */
public final class Kmod {
    private Kmod() {
    }

    /** What one tool invocation did. */
    public record Run(byte[] out, byte[] err, int status) {
        public String outText() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }

        public String errText() {
            return new String(err, StandardCharsets.ISO_8859_1);
        }
    }

    private static final int TIMEOUT_SECONDS = 300;

    /** The kmod multi-call binary of Debian's kmod package. */
    public static Path binary() {
        for (String p : List.of("/usr/bin/kmod", "/bin/kmod")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /**
     * Runs kmod's {@code tool} with {@code args}, with {@code argv[0]} set to the bare tool name
     * as a user's shell sets it, so that kmod and getopt print the same program name modstack does.
     */
    public static Run real(String tool, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec -a \"$0\" \"$@\"", tool, binary().toString()));
        cmd.addAll(args);
        return exec(cmd);
    }

    /** Runs a command with LC_ALL=C and no input, collecting both outputs and the exit status. */
    public static Run exec(List<String> cmd) {
        return exec(cmd, Map.of(), TIMEOUT_SECONDS);
    }

    /** {@link #exec(List)} with more environment and another time limit. */
    public static Run exec(List<String> cmd, Map<String, String> env, int timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("LC_ALL", "C");
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            // kmod itself can loop on damaged input; a conformance run must end all the same.
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish within " + timeoutSeconds + " s: " + cmd);
            }
            return new Run(out.join(), err.join(), p.exitValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs modstack's {@code tool} in this JVM. */
    static Run ours(String tool, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>();
        all.add(tool);
        all.addAll(args);
        int status = Main.run(out, err, all.toArray(String[]::new));
        return new Run(out.toByteArray(), err.toByteArray(), status);
    }

    static List<String> args(String... a) {
        return new ArrayList<>(Arrays.asList(a));
    }
}
