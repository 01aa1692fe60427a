package org.modstack.cli.debug;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.modstack.ErrnoException;
import org.modstack.cli.DepmodRun;
import org.modstack.cli.Main;
import org.modstack.kernel.KernelStore;
import org.modstack.module.ModuleName;
import org.modstack.util.FileTrees;

/**
 * Runs a scenario (the format of {@code scripts/qemu/run-scenario}) on a freshly booted virtual
 * kernel and returns the same framed transcript the real kernel's run prints: per step its exit
 * status, standard output and error, and the kernel log lines it produced.
 *
 * <p>The virtual machine is staged as the guest is: the kernel's tree with only the Debian
 * modules the scenario needs (and their dependencies), the scenario's own modules in
 * {@code extra/}, and depmod run over it. Steps run the modstack tools in-process, with
 * {@code extra/} as the working directory; file names in their output are shown as the guest
 * sees them, the staging directory being its root.
 */
public final class ScenarioRun {
    /** The kernel command line run-scenario boots with, before a scenario's own arguments. */
    static final String BASE_CMDLINE = "console=ttyS0 quiet panic=-1 loglevel=4 rdinit=/init";

    /** The steps run-scenario's guest runs as kmod's tools, {@code /sbin/<tool>}. */
    static final Set<String> KMOD_TOOLS = Set.of("insmod", "rmmod", "lsmod", "modprobe", "modinfo", "depmod");

    private final Path tree;
    private final List<Path> modules;
    private final Path moduleDirectory;

    /**
     * @param tree the Debian tree the kernel comes from
     * @param modules module files to put in {@code extra/}
     * @param moduleDirectory where {@code #! extra NAME} finds {@code NAME.ko}
     */
    public ScenarioRun(Path tree, List<Path> modules, Path moduleDirectory) {
        this.tree = tree;
        this.modules = modules;
        this.moduleDirectory = moduleDirectory;
    }

    public String run(Path scenario) throws ErrnoException {
        List<String> lines = read(scenario);
        List<Path> extra = new ArrayList<>(modules);
        Set<String> debian = new LinkedHashSet<>();
        StringBuilder append = new StringBuilder();
        Map<String, Integer> inits = new HashMap<>();
        for (String line : lines) {
            String[] w = line.trim().split("\\s+");
            if (!line.startsWith("#!") || w.length < 2) {
                continue;
            }
            switch (w[1]) {
                case "extra" -> Stream.of(w).skip(2).forEach(n -> extra.add(moduleDirectory.resolve(n + ".ko")));
                case "debian" -> Stream.of(w).skip(2).forEach(debian::add);
                case "append" -> append.append(' ').append(line.trim().substring("#! append".length()).trim());
                case "init" -> inits.put(w[2], Integer.parseInt(w[3]));
                default -> { }
            }
        }
        for (String line : lines) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("insmod") || w[0].equals("modprobe")) {
                Stream.of(w).skip(1).filter(x -> !x.startsWith("-") && !x.contains("=")).forEach(debian::add);
            }
        }
        Path root = null;
        try {
            root = Files.createTempDirectory("modstack-scenario");
            String release = stage(root, extra, debian);
            Path state = root.resolve("state");
            KernelStore.boot(state, root, release, BASE_CMDLINE + append, false).close();
            try (KernelStore s = KernelStore.open(state, KernelStore.Access.WRITE)) {
                inits.forEach(s.kernel()::scriptInit);
                s.save();
            }
            return steps(lines, state, root, root.resolve("lib/modules").resolve(release).resolve("extra"));
        } catch (IOException e) {
            throw ErrnoException.of(e, scenario.toString());
        } finally {
            delete(root);
        }
    }

    /** Lays out root/lib/modules/<release> as the guest has it; returns the release. */
    private String stage(Path root, List<Path> extra, Set<String> wanted) throws IOException, ErrnoException {
        Path treeModules;
        try (Stream<Path> s = Files.list(tree.resolve("lib/modules"))) {
            treeModules = s.findFirst().orElseThrow(() -> new IOException(tree + ": no lib/modules"));
        }
        String release = treeModules.getFileName().toString();
        Path dir = Files.createDirectories(root.resolve("lib/modules").resolve(release).resolve("extra"));
        Files.createSymbolicLink(root.resolve("boot"), tree.resolve("boot").toAbsolutePath());
        Files.createSymbolicLink(root.resolve("Module.symvers"), tree.resolve("Module.symvers").toAbsolutePath());
        Path mods = dir.getParent();
        for (String f : List.of("modules.builtin", "modules.builtin.modinfo", "modules.order", "config")) {
            if (Files.exists(treeModules.resolve(f))) {
                Files.copy(treeModules.resolve(f), mods.resolve(f));
            }
        }
        Set<String> extraNames = new LinkedHashSet<>();
        for (Path ko : extra) {
            Files.copy(ko, dir.resolve(ko.getFileName()));
            extraNames.add(ModuleName.fromPath(ko.toString()));
        }
        Map<String, String[]> deps = new HashMap<>();
        for (String line : Files.readAllLines(treeModules.resolve("modules.dep"), StandardCharsets.ISO_8859_1)) {
            int colon = line.indexOf(':');
            String path = line.substring(0, colon);
            String rest = line.substring(colon + 1).trim();
            deps.put(ModuleName.fromPath(path), (path + (rest.isEmpty() ? "" : " " + rest)).split(" "));
        }
        Deque<String> todo = new ArrayDeque<>();
        wanted.forEach(n -> todo.add(ModuleName.fromPath(n)));
        Set<String> linked = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String name = todo.pop();
            String[] d = deps.get(name);
            if (extraNames.contains(name) || d == null || !linked.add(name)) {
                continue;
            }
            Path target = mods.resolve(d[0]);
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, treeModules.resolve(d[0]).toAbsolutePath());
            for (int i = 1; i < d.length; i++) {
                todo.add(ModuleName.fromPath(d[i]));
            }
        }
        DepmodRun.index(root, release);
        return release;
    }

    private String steps(List<String> lines, Path state, Path root, Path cwd) throws ErrnoException {
        StringBuilder t = new StringBuilder();
        int n = 0;
        int logMark = 0;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            n++;
            List<String> words = Words.split(line);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = step(words, "--kernel=" + state, cwd, out, err);
            List<String> log;
            try (KernelStore s = KernelStore.open(state, KernelStore.Access.READ)) {
                log = s.kernel().state().log();
            }
            t.append(frame(n, line, status, guestView(out, root), guestView(err, root),
                    String.join("", log.subList(logMark, log.size()).stream().map(l -> l + "\n").toList())));
            logMark = log.size();
        }
        return t.append("=== end\n").toString();
    }

    /** One step's block of the transcript, as run-scenario's guest frames it. */
    static String frame(int n, String line, int status, String out, String err, String kernelLog) {
        return "=== step " + n + ": " + line + "\n--- exit " + status + "\n--- stdout\n" + block(out)
                + "--- stderr\n" + block(err) + "--- kernel log\n" + block(kernelLog);
    }

    /** Runs one step on the virtual kernel {@code kernel} ({@code --kernel=DIR}). */
    static int step(List<String> words, String kernel, Path cwd, ByteArrayOutputStream out,
                            ByteArrayOutputStream err) {
        String cmd = words.get(0);
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        switch (cmd) {
            case "dmesg-new":
                return 0;
            case "insmod", "rmmod", "lsmod", "modprobe":
                args.add(0, kernel);
                break;
            case "stat":
                if (args.size() < 2 || !args.get(0).equals("-c") || !args.get(1).equals("%a %n")) {
                    err.writeBytes("stat: only -c '%a %n' is modelled\n".getBytes(StandardCharsets.ISO_8859_1));
                    return 1;
                }
                args = new ArrayList<>(args.subList(2, args.size()));
                args.add(0, kernel);
                args.add(0, cmd);
                cmd = "kernel";
                break;
            case "cat", "ls":
                args.add(0, kernel);
                args.add(0, cmd);
                cmd = "kernel";
                break;
            default:
                err.writeBytes(("sh: " + cmd + ": not found\n").getBytes(StandardCharsets.ISO_8859_1));
                return 127;
        }
        args.add(0, cmd);
        return Main.run(cwd, out, err, args.toArray(String[]::new));
    }

    /** Output with the staging directory shown as the guest sees it: as the root of the file system. */
    private static String guestView(ByteArrayOutputStream output, Path root) {
        return output.toString(StandardCharsets.ISO_8859_1).replace(root.toString() + "/", "/");
    }

    /** A block of output as the guest's transcript shows it: a missing final newline is flagged. */
    private static String block(String s) {
        return s.isEmpty() || s.endsWith("\n") ? s : s + "\n--- no newline at end\n";
    }

    private static List<String> read(Path file) throws ErrnoException {
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw ErrnoException.of(e, file.toString());
        }
    }

    private static void delete(Path root) {
        if (root == null) {
            return;
        }
        try {
            FileTrees.delete(root);
        } catch (ErrnoException e) {
            // a temporary directory left behind is harmless
        }
    }
}
