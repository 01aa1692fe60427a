package org.modstack.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.modstack.ErrnoException;

/**
 * {@code kmod}, the multi-call binary's own name: its commands {@code help}, {@code list} and
 * {@code static-nodes}, with kmod 30's words. The compatibility names (lsmod, modprobe, ...) are
 * separate tools, reached through a symlink as in kmod.
 */
final class KmodTool implements Tool {
    private static final Map<String, Supplier<Tool>> COMMANDS = Map.of(
            "list", LsmodTool::new,
            "static-nodes", StaticNodesTool::new);
    private static final List<String[]> COMMAND_HELP = List.of(
            new String[] {"help", "Show help message"},
            new String[] {"list", "list currently loaded modules"},
            new String[] {"static-nodes", "outputs the static-node information installed with the currently running kernel"});
    private static final List<String> COMPAT = List.of("lsmod", "rmmod", "insmod", "modinfo", "modprobe", "depmod");

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("-") && !args.get(i).equals("-"); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            } else if (a.equals("-h") || "--help".startsWith(a) && a.length() > 2) {
                io.print(help("kmod"));
                return 0;
            } else if (a.equals("-V") || "--version".startsWith(a) && a.length() > 2) {
                io.print(Main.VERSION);
                return 0;
            }
            io.printErr("kmod: " + (a.startsWith("--") ? "unrecognized option '" + a + "'"
                    : "invalid option -- '" + a.charAt(1) + "'") + "\n");
            return 1;
        }
        if (i == args.size()) {
            io.printErr("missing command\n");
            io.print(help("kmod"));
            return 1;
        }
        String command = args.get(i);
        if (command.equals("help")) {
            io.print(help("help"));  // kmod passes the command's own argv: "help" names itself
            return 0;
        }
        Supplier<Tool> tool = COMMANDS.get(command);
        if (tool == null) {
            io.printErr("invalid command '" + command + "'\n");
            io.print(help("kmod"));
            return 1;
        }
        ToolOutput named = io.renamed(command);
        try {
            return tool.get().run(named, args.subList(i + 1, args.size()));
        } finally {
            named.flush();
        }
    }

    private static String help(String name) {
        StringBuilder sb = new StringBuilder("kmod - Manage kernel modules: list, load, unload, etc\nUsage:\n\t")
                .append(name).append(" [options] command [command_options]\n\nOptions:\n")
                .append("\t-V, --version     show version\n\t-h, --help        show this help\n\nCommands:\n");
        COMMAND_HELP.forEach(c -> sb.append(String.format("  %-12s %s\n", c[0], c[1])));
        sb.append("\nkmod also handles gracefully if called from following symlinks:\n");
        COMPAT.forEach(c -> sb.append(String.format("  %-12s compat %s command\n", c, c)));
        return sb.toString();
    }
}
