package org.modstack.cli.debug;

import java.nio.file.Path;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.cli.Getopt;
import org.modstack.cli.Tool;
import org.modstack.cli.ToolOutput;

/**
 * {@code modstack kernel scenario --root=ROOT [--modules=DIR] FILE [MODULE.ko...]}: the test
 * harness's command, not a user's. It runs a scenario file on a fresh virtual kernel and prints
 * the transcript {@code scripts/qemu/run-scenario} prints for the real kernel.
 */
public final class ScenarioTool implements Tool {
    private static final Getopt OPTIONS = new Getopt(List.of(
            Getopt.Spec.longOnly("root", Getopt.Arg.REQUIRED, "root"),
            Getopt.Spec.longOnly("modules", Getopt.Arg.REQUIRED, "modules"), Getopt.Spec.flag('h', "help")));
    private static final String USAGE =
            "Usage: modstack kernel scenario --root=ROOT [--modules=DIR] FILE [MODULE.ko...]\n";
    private static final String HELP = USAGE
            + "\truns a scenario file on a fresh virtual kernel; prints run-scenario's transcript\n"
            + "Options:\n"
            + "\t--root=ROOT       the kernel tree the scenario's Debian modules come from\n"
            + "\t--modules=DIR     where its fixture modules are (default: the scenario's directory)\n"
            + "\t-h, --help        show this help\n";

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        Getopt.Result parsed;
        try {
            parsed = OPTIONS.parse(args);
        } catch (Getopt.UsageException e) {
            io.printErr(io.tool() + ": " + e.getMessage() + "\n" + USAGE);
            return 1;
        }
        String root = null;
        String moduleDir = null;
        for (Getopt.Option o : parsed.options()) {
            if (o.key().equals("h")) {
                io.print(HELP);
                return 0;
            } else if (o.key().equals("root")) {
                root = o.value();
            } else {
                moduleDir = o.value();
            }
        }
        List<String> operands = parsed.operands();
        if (operands.isEmpty() || root == null) {
            io.printErr(USAGE);
            return 1;
        }
        List<Path> modules = operands.subList(1, operands.size()).stream().map(io::resolve).toList();
        Path scenario = io.resolve(operands.get(0));
        Path fixtures = moduleDir != null ? io.resolve(moduleDir) : scenario.toAbsolutePath().getParent();
        io.print(new ScenarioRun(io.resolve(root), modules, fixtures).run(scenario));
        return 0;
    }
}
