package org.modstack.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands running both real kmod versions as a named tool: the system's kmod 30 and Debian
 * trixie's kmod 34, which {@code scripts/kmod34.sh} unpacks into the cache and runs through its
 * own dynamic loader. Run them with {@link Kmod#exec}. A missing kmod 34 skips the test, or
 * fails it under {@code CI=true} (where the script builds the root on demand).
 */
public final class Kmod34 {
    private Kmod34() {
    }

    /** The command running the system's kmod (30) as {@code tool}: argv[0] is the bare name. */
    public static List<String> kmod30(String tool) {
        Trees.requireKmod();
        return new ArrayList<>(List.of("bash", "-c", "exec -a \"$0\" \"$@\"", tool, Kmod.binary().toString()));
    }

    /** kmod's {@code tool} of {@code version} (30 or 34) run on {@code args}. */
    static Kmod.Run real(int version, String tool, List<String> args) {
        List<String> cmd = version == 30 ? kmod30(tool) : kmod34(tool);
        cmd.addAll(args);
        return Kmod.exec(cmd);
    }

    /**
     * Ours run as kmod {@code version}'s {@code tool} (depmod, modinfo or modprobe), named by
     * {@code --kmod-version} always: depmod follows 34 by default, the others 30.
     */
    static Kmod.Run ours(int version, String tool, List<String> args) {
        List<String> ours = new ArrayList<>(args);
        ours.add(0, "--kmod-version=" + version);
        return Kmod.ours(tool, ours);
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
        Kmod.Run r = Kmod.exec(List.of(script.toString(), "--print-command", tool));
        if (r.status() != 0 || r.outText().isBlank()) {
            Trees.missing("scripts/kmod34.sh --print-command " + tool + " failed: " + r.errText());
        }
        // The prefix is shell-quoted words: bash splits it, and the arguments follow as "$@".
        return new ArrayList<>(List.of("bash", "-c", "exec " + r.outText().strip() + " \"$@\"", tool));
    }
}
