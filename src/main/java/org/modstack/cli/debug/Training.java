package org.modstack.cli.debug;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.modstack.cli.Main;
import org.modstack.kernel.EmbeddedKernel;

/**
 * The fixed workload the launcher trains its class-data archive on, once per build: every tool
 * and kernel subcommand on the sample modules, so that whichever command a user runs first, the
 * classes it needs are already in the archive. Run as {@code Training MODULE_DIR [SIGNED_MODULE...]}:
 * the signed modules (a signature's classes are many: modinfo of a signed module loaded over a
 * hundred classes outside an archive trained on unsigned ones) go through modinfo and insmod too.
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
            delete(work);
        }
    }

    private static void run(Path modules, Path work) throws IOException {
        Path root = work.resolve("root");
        String release = EmbeddedKernel.writeTree(root);
        Path extra = Files.createDirectories(root.resolve("lib/modules").resolve(release).resolve("extra"));
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(modules)) {
            for (Path ko : s.filter(p -> p.toString().endsWith(".ko")).toList()) {
                files.add(Files.copy(ko, extra.resolve(ko.getFileName())).toString());
            }
        }
        String kernel = "--kernel=" + work.resolve("kernel");
        String stackCore = extra.resolve("stack_core.ko").toString();
        tool("modinfo", stackCore);
        tool("depmod", "-b", root.toString(), release);
        tool("modinfo", "-b", root.toString(), "-k", release, "stack_user");
        tool("modprobe", "-d", root.toString(), "-S", release, "-D", "stack_user");
        tool("modprobe", "-d", root.toString(), "-S", release, "--show-exports", stackCore);
        tool("kernel", "boot", kernel, root.toString());
        tool("insmod", kernel, stackCore);
        tool("modprobe", kernel, "stack_user");
        tool("lsmod", kernel);
        tool("lsmod", kernel, "--json");
        tool("rmmod", kernel, "stack_user");
        tool("modprobe", kernel, "-r", "stack_core");
        tool("kernel", "dmesg", kernel);
        tool("kernel", "cat", kernel, "/proc/modules");
        tool("kernel", "ls", kernel, "/sys/module");
        for (String t : List.of("modinfo", "depmod", "modprobe", "insmod", "rmmod", "lsmod", "kernel", "kmod")) {
            tool(t, "--help");
        }
        files.add(0, "modinfo");
        tool(files.toArray(String[]::new));
    }

    private static void signed(String module, Path work) {
        tool("modinfo", module);
        tool("modinfo", "--json", module);
        tool("insmod", "--kernel=" + work.resolve("kernel"), module);
    }

    private static void tool(String... args) {
        Main.run(SINK, SINK, args);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
