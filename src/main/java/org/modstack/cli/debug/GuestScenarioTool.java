package org.modstack.cli.debug;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.cli.Getopt;
import org.modstack.cli.GetoptTool;
import org.modstack.cli.ToolOutput;

/**
 * {@code modstack kernel guest-scenario [--snapshot-after=N] FILE}: the test harness's command,
 * run inside run-scenario's guest ({@code -T modstack}). It runs the scenario's steps with
 * modstack's tools on the running kernel, in this one process, and prints the transcript
 * run-scenario's own loop prints; with {@code --snapshot-after=N} kmod runs the first N steps and
 * the rest run on a snapshot of the running system. With {@code --from=FIFO} the rest of the
 * command line comes later, as a line on FIFO: run-scenario starts the JVM before it saves the
 * booted guest, so that each guest restored for a scenario finds it started (under TCG a JVM's
 * start costs more than a scenario's steps); with {@code --warm-up} it also takes each path of a
 * step once before it waits, so that the first step of each scenario does not pay for it.
 */
public final class GuestScenarioTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(
            Getopt.Spec.longOnly("snapshot-after", Getopt.Arg.REQUIRED, "snapshot-after"),
            Getopt.Spec.longOnly("from", Getopt.Arg.REQUIRED, "from"),
            Getopt.Spec.longOnly("warm-up", Getopt.Arg.REQUIRED, "warm-up"),
            Getopt.Spec.flag('h', "help")));
    private static final String USAGE = "Usage: modstack kernel guest-scenario [--snapshot-after=N] FILE\n"
            + "       modstack kernel guest-scenario [--warm-up=MODULE] --from=FIFO\n";
    private static final String HELP = USAGE
            + "\truns a scenario's steps on the running kernel with modstack's tools (inside\n"
            + "\trun-scenario's guest); prints run-scenario's transcript, without its end line\n"
            + "Options:\n"
            + "\t--snapshot-after=N  kmod's tools run steps 1..N, the rest run on a snapshot\n"
            + "\t                    of the running system (kernel boot --from-running)\n"
            + "\t--from=FIFO         wait for the other arguments, one line on FIFO\n"
            + "\t--warm-up=MODULE    before waiting, take each path a step takes once (modinfo\n"
            + "\t                    of MODULE, lsmod, a process, a failing delete_module)\n"
            + "\t-h, --help          show this help\n";

    private int snapshotAfter = -1;
    private Path from;
    private Path warmUp;

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
        switch (option.key()) {
            case "from" -> from = io.resolve(option.value());
            case "warm-up" -> warmUp = io.resolve(option.value());
            default -> {
                try {
                    snapshotAfter = Integer.parseInt(option.value());
                } catch (NumberFormatException e) {
                    io.printErr(io.tool() + ": --snapshot-after needs a number of steps\n" + USAGE);
                    return 1;
                }
            }
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (warmUp != null) {
            GuestRun.warmUp(warmUp);
        }
        if (from != null) {
            Path fifo = from;
            from = null;
            warmUp = null;
            return run(io, awaitArguments(fifo));
        }
        if (operands.size() != 1) {
            io.printErr(USAGE);
            return 1;
        }
        Path scenario = io.resolve(operands.get(0));
        List<String> lines;
        Path cwd;
        try {
            lines = Files.readAllLines(scenario, StandardCharsets.ISO_8859_1);
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            cwd = Path.of("/lib/modules", release, "extra");
        } catch (IOException e) {
            throw ErrnoException.of(e, scenario.toString());
        }
        if (!Files.isDirectory(cwd)) {
            cwd = Path.of("/");  // as run-scenario's `cd ... || cd /`
        }
        new GuestRun(cwd, snapshotAfter, Path.of("/tmp/snapshot")).run(lines, block -> io.print(block).flush());
        return 0;
    }

    /** The arguments written to {@code fifo}: opening it waits for a writer, reading for the line. */
    private static List<String> awaitArguments(Path fifo) throws ErrnoException {
        try {
            String line = Files.readString(fifo, StandardCharsets.ISO_8859_1).strip();
            return line.isEmpty() ? List.of() : List.of(line.split("\\s+"));
        } catch (IOException e) {
            throw ErrnoException.of(e, fifo.toString());
        }
    }
}
