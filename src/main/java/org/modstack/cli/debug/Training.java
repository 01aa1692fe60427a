package org.modstack.cli.debug;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.modstack.cli.Main;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.util.FileTrees;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The fixed workload the launcher trains its class-data archive on, once per build: every tool
 * and kernel subcommand on the sample modules, so that whichever command a user runs first, the
 * classes it needs are already in the archive. Run as {@code Training MODULE_DIR [SIGNED_MODULE...]}:
 * the signed modules (a signature's classes are many: modinfo of a signed module loaded over a
 * hundred classes outside an archive trained on unsigned ones) go through modinfo and insmod too.
 * The modules must be built for the default kernel, which it boots: a command that fails (the
 * kernel refusing a load, say) would leave its paths out of the archive, so it fails the training.
 */
public final class Training {
    private static final OutputStream SINK = OutputStream.nullOutputStream();

    private Training() {
    }

    public static void main(String[] args) throws IOException {
        Path modules = Path.of(args[0]);
        Path work = Files.createTempDirectory("modstack-training");
        try {
            run(modules, work);
            for (int i = 1; i < args.length; i++) {
                signed(args[i], work);
            }
        } finally {
            FileTrees.delete(work);
        }
    }

    private static void run(Path modules, Path work) throws IOException {
        Path root = work.resolve("root");
        String release = EmbeddedKernel.writeTree(root);
        Path extra = Files.createDirectories(root.resolve("lib/modules").resolve(release).resolve("extra"));
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(modules)) {
            for (Path ko : s.filter(p -> p.toString().endsWith(".ko")).toList()) {
                files.add(ko.toString());
                String name = ko.getFileName().toString();
                if (name.equals(XZ)) {
                    compressXz(ko, extra.resolve(name + ".xz"));
                } else if (name.equals(ZSTD)) {
                    Files.write(extra.resolve(name + ".zst"), Zstd.compress(Files.readAllBytes(ko)));
                } else if (!name.startsWith("cycle_")) {  // a cycle: depmod would index nothing
                    Files.copy(ko, extra.resolve(name));
                }
            }
        }
        String kernel = "--kernel=" + work.resolve("kernel");
        String stackCore = extra.resolve("stack_core.ko").toString();
        required("modinfo", stackCore);
        String cache = "--cache-dir=" + work.resolve("depmod-cache");
        required("depmod", cache, "-b", root.toString(), release);
        // the run most depmods are: a module touched, nothing to render, the last run's files written again
        Files.setLastModifiedTime(Path.of(stackCore), FileTime.fromMillis(System.currentTimeMillis() + 1000));
        required("depmod", cache, "-b", root.toString(), release);
        required("depmod", cache, "-n", "-b", root.toString(), release);  // compares what it reads with the cache
        required("depmod", "--no-cache", "-b", root.toString(), release);  // reads ahead of the search
        required("modinfo", "-b", root.toString(), "-k", release, "stack_user");
        required("modprobe", "-d", root.toString(), "-S", release, "-D", "stack_user");
        required("modprobe", "-d", root.toString(), "-S", release, "--show-depends", "-a", "stack_user", "stack_core");
        // names that are no module's: an alias, matched against modules.alias's patterns, and
        // an unknown one, looked for in every index and as an install command (built-ins like
        // Debian's ext4 go that way too)
        required("modprobe", "-d", root.toString(), "-S", release, "-D", "char-major-10-242");
        tool("modprobe", "-d", root.toString(), "-S", release, "-D", "no-such-module");
        required("modprobe", "-C", modprobeConfig(work).toString(), "-d", root.toString(), "-S", release,
                "-D", "stack-alias-1");
        required("modprobe", "-d", root.toString(), "-S", release, "--show-exports", stackCore);
        required("kernel", "boot", kernel, root.toString());
        required("insmod", kernel, stackCore);
        required("modprobe", kernel, "stack_user");
        required("lsmod", kernel);
        required("lsmod", kernel, "--json");
        required("rmmod", kernel, "stack_user");
        required("modprobe", kernel, "-r", "stack_core");
        required("kernel", "dmesg", kernel);
        required("kernel", "cat", kernel, "/proc/modules");
        required("kernel", "ls", kernel, "/sys/module");
        required("check", stackCore);
        tool("check", "-k", "all", stackCore);  // the other kernels refuse it: findings, explained
        tool("check", "-k", "all", "--json", stackCore);
        for (String t : List.of("modinfo", "depmod", "modprobe", "insmod", "rmmod", "lsmod", "kernel", "kmod")) {
            required(t, "--help");
        }
        files.add(0, "modinfo");
        tool(files.toArray(String[]::new));  // the damaged ones among them fail, as they should
    }

    /** A modprobe.d of every kind of line, patterns among them, as a distribution's. */
    private static Path modprobeConfig(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("modprobe.d"));
        Files.writeString(dir.resolve("training.conf"), String.join("\n",
                "alias stack-alias-* stack_user", "options stack_core debug=1", "blacklist stack_unused*",
                "softdep stack_user pre: stack_core", "install stack_other /bin/true", "remove stack_other /bin/true",
                ""));
        return dir;
    }

    /** A module the tree holds as .ko.xz, as Debian ships them. */
    private static final String XZ = "chain_a.ko";
    /**
     * One it holds as .ko.zst, as Ubuntu ships them: one frame that records its size, as the zstd
     * tool writes a file.
     */
    private static final String ZSTD = "chain_b.ko";

    private static void compressXz(Path ko, Path xz) throws IOException {
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options())) {
            Files.copy(ko, out);
        }
    }

    private static void signed(String module, Path work) {
        required("modinfo", module);
        required("modinfo", "--json", module);
        required("insmod", "--kernel=" + work.resolve("kernel"), module);
    }

    private static int tool(String... args) {
        return Main.run(SINK, SINK, args);
    }

    private static void required(String... args) {
        if (tool(args) != 0) {
            throw new IllegalStateException("training: " + String.join(" ", args) + " failed; are the modules built"
                    + " for the default kernel, " + EmbeddedKernel.DEFAULT.version() + "?");
        }
    }
}
