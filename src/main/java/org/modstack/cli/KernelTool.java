package org.modstack.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.modstack.ErrnoException;

/**
 * {@code modstack kernel}: the virtual kernel itself, one class per subcommand. The test
 * harness's own command, {@code kernel scenario}, lives apart in {@code org.modstack.cli.debug}
 * and is found by name, as JGit's {@code pgm} finds its debug commands: the user commands do not
 * depend on it.
 */
final class KernelTool implements Tool {
    private static final Map<String, Supplier<Tool>> COMMANDS = new TreeMap<>(Map.of(
            "boot", KernelBootTool::new,
            "tree", KernelTreeTool::new,
            "dmesg", KernelDmesgTool::new,
            "cat", () -> new KernelFilesTool(KernelFilesTool.View.CAT),
            "ls", () -> new KernelFilesTool(KernelFilesTool.View.LS),
            "stat", () -> new KernelFilesTool(KernelFilesTool.View.STAT),
            "init", KernelInitTool::new,
            "status", KernelStatusTool::new));

    private static final Map<String, String> HARNESS = Map.of("scenario", "org.modstack.cli.debug.ScenarioTool",
            "in-tree-summary", "org.modstack.cli.debug.InTreeSummaryTool",
            "guest-scenario", "org.modstack.cli.debug.GuestScenarioTool");

    static final String USAGE = "Usage: modstack kernel <subcommand> [options] [args]\n\nSubcommands:\n"
            + "  boot      boot a virtual kernel (the embedded Debian kernel, a root, or .deb packages)\n"
            + "  tree      write the embedded kernel's files under a directory\n"
            + "  status    its release, command line, taint (letters and names) and modules\n"
            + "  dmesg     its log\n"
            + "  cat       read /proc/modules, /proc/sys/kernel/tainted, /proc/cmdline, /sys/module/M/...\n"
            + "  ls        list /sys/module, /sys/module/M, its holders/ and parameters/\n"
            + "  stat      a parameter file's mode and name\n"
            + "  init      script what a module's init returns\n"
            + "  scenario  run a qemu scenario file on a fresh virtual kernel (the test harness)\n"
            + "  guest-scenario  run a scenario's steps with modstack's tools inside the qemu guest\n"
            + "\nEach acts on the virtual kernel in --kernel DIR, else $MODSTACK_KERNEL, else\n"
            + "~/.local/state/modstack/kernel. 'modstack kernel SUBCOMMAND --help' shows its options.\n";

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        String name = args.isEmpty() ? "" : args.get(0);
        if (name.equals("--help") || name.equals("-h") || name.equals("help") && args.size() == 1) {
            io.print(USAGE);
            return 0;
        }
        if (name.equals("help")) {
            return run(io, List.of(args.get(1), "--help"));
        }
        Tool command = command(name);
        if (command == null) {
            if (!name.isEmpty()) {
                io.error("unknown subcommand '" + name + "'\n");
            }
            io.printErr(USAGE);
            return 1;
        }
        return command.run(io, args.subList(1, args.size()));
    }

    /** The subcommands' names, harness included. */
    static List<String> names() {
        List<String> all = new ArrayList<>(COMMANDS.keySet());
        all.addAll(HARNESS.keySet());
        return all;
    }

    /** A user subcommand by name, or null. */
    static Tool subcommand(String name) {
        Supplier<Tool> user = COMMANDS.get(name);
        return user == null ? null : user.get();
    }

    private static Tool command(String name) {
        Tool user = subcommand(name);
        if (user != null) {
            return user;
        }
        String harness = HARNESS.get(name);
        if (harness == null) {
            return null;
        }
        try {
            return Class.forName(harness).asSubclass(Tool.class).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("harness command " + name + " missing from the build", e);
        }
    }
}
