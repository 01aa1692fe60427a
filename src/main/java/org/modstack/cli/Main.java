package org.modstack.cli;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.modstack.ErrnoException;
import picocli.CommandLine;

/**
 * The {@code modstack} entry point: {@code modstack <tool> [args]}, where the tool is one of
 * kmod's tool names. The launcher passes the tool name first when it was invoked through a
 * symlink named after a tool, as kmod's multi-call binary does.
 */
public final class Main {
    private static final Map<String, Function<ToolOutput, Object>> TOOLS = Map.of(
            "modinfo", ModinfoCommand::new);

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(System.out, System.err, args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one tool invocation with the given streams and returns its exit status. */
    public static int run(OutputStream out, OutputStream err, String... args) {
        if (args.length == 0 || !TOOLS.containsKey(args[0])) {
            ToolOutput io = new ToolOutput("modstack", out, err);
            io.err().print(usage());
            return args.length == 0 || args[0].equals("--help") || args[0].equals("-h") ? 0 : 1;
        }
        ToolOutput io = new ToolOutput(args[0], out, err);
        try {
            CommandLine cmd = new CommandLine(TOOLS.get(args[0]).apply(io));
            GnuOptions.configure(cmd, io);
            cmd.setExecutionExceptionHandler((e, c, parsed) -> failure(io, e));
            int status = cmd.execute(Arrays.copyOfRange(args, 1, args.length));
            io.flush();
            return status;
        } catch (RuntimeException e) {
            return failure(io, e);
        }
    }

    /** The last resort: one line in kmod's style, never a stack trace. */
    private static int failure(ToolOutput io, Exception e) {
        String reason = e instanceof ErrnoException ee ? ee.errno().message() : String.valueOf(e.getMessage());
        io.error(reason + "\n");
        io.flush();
        return 1;
    }

    private static String usage() {
        return "Usage: modstack <tool> [options] [args]\n"
                + "Tools: " + String.join(" ", new java.util.TreeSet<>(TOOLS.keySet())) + "\n";
    }
}
