package org.modstack.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.modstack.ErrnoException;

/**
 * {@code modstack kernel}: the virtual kernel itself, one class per subcommand.
 * <pre>
 *   kernel boot [--kernel=DIR] [--release=R] [--cmdline=ARGS] [ROOT] boot the kernel installed under ROOT
 *                                                                    (default: the embedded Debian kernel)
 *   kernel boot [--kernel=DIR] --deb=IMAGE.deb --deb=HEADERS.deb     boot a kernel from Debian's packages
 *   kernel tree DIR                                                  write the embedded kernel's files under DIR
 *   kernel status [--kernel=DIR] [-J|--json]                         release, command line, taint (letters, names), modules
 *   kernel dmesg [--kernel=DIR]                                      its log
 *   kernel cat [--kernel=DIR] FILE...                                /proc/modules, /sys/module/M/..., ...
 *   kernel ls [--kernel=DIR] DIR                                     /sys/module/M/holders, .../parameters
 *   kernel stat [--kernel=DIR] FILE...                               a parameter file's mode and name
 *   kernel init [--kernel=DIR] MODULE RESULT                         script what a module's init returns
 * </pre>
 * The test harness's own command, {@code kernel scenario}, lives apart in
 * {@code org.modstack.cli.debug} and is found by name, as JGit's {@code pgm} finds its debug
 * commands: the user commands do not depend on it.
 */
final class KernelTool implements Tool {
    static final String USAGE = "Usage: modstack kernel boot|tree|status|dmesg|cat|ls|stat|init|scenario [--kernel=DIR] ...\n";

    private static final Map<String, Supplier<Tool>> COMMANDS = new TreeMap<>(Map.of(
            "boot", KernelBootTool::new,
            "tree", KernelTreeTool::new,
            "dmesg", KernelDmesgTool::new,
            "cat", () -> new KernelFilesTool(KernelFilesTool.View.CAT),
            "ls", () -> new KernelFilesTool(KernelFilesTool.View.LS),
            "stat", () -> new KernelFilesTool(KernelFilesTool.View.STAT),
            "init", KernelInitTool::new,
            "status", KernelStatusTool::new));

    private static final Map<String, String> HARNESS = Map.of("scenario", "org.modstack.cli.debug.ScenarioTool");

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        if (args.isEmpty()) {
            io.printErr(USAGE);
            return 1;
        }
        Tool command = command(args.get(0));
        if (command == null) {
            io.printErr(USAGE);
            return 1;
        }
        return command.run(io, args.subList(1, args.size()));
    }

    private static Tool command(String name) {
        Supplier<Tool> user = COMMANDS.get(name);
        if (user != null) {
            return user.get();
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
