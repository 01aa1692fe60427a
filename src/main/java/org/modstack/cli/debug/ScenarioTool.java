package org.modstack.cli.debug;

import java.nio.file.Path;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.cli.Getopt;
import org.modstack.cli.GetoptTool;
import org.modstack.cli.ToolOutput;

/**
 * {@code modstack kernel scenario --root=ROOT [--modules=DIR] FILE [MODULE.ko...]}: the test
 * harness's command, not a user's. It runs a scenario file on a fresh virtual kernel and prints
 * the transcript {@code scripts/qemu/run-scenario} prints for the real kernel.
 */
public final class ScenarioTool extends GetoptTool {
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

    private String root;
    private String moduleDir;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return HELP;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option option) {
        if (option.key().equals("root")) {
            root = option.value();
        } else {
            moduleDir = option.value();
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
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
