package org.modstack.cli;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.modstack.ErrnoException;

/**
 * The {@code modstack} entry point: {@code modstack <tool> [args]}, where the tool is one of
 * kmod's tool names. The launcher passes the tool name first when it was invoked through a
 * symlink named after a tool, as kmod's multi-call binary does.
 */
public final class Main {
    /** Version and features, printed by every tool's {@code -V}. */
    static final String VERSION = "modstack version 0.1.0 (kmod 30 compatible)\n+ZSTD +XZ +ZLIB +LIBCRYPTO -EXPERIMENTAL\n";

    private static final Map<String, Supplier<Tool>> TOOLS = new TreeMap<>(Map.of(
            "modinfo", Modinfo::new,
            "depmod", DepmodTool::new,
            "modprobe", ModprobeTool::new,
            "insmod", InsmodTool::new,
            "rmmod", RmmodTool::new,
            "lsmod", LsmodTool::new,
            "kernel", KernelTool::new,
            "deps", DepsTool::new,
            "graph", GraphTool::new,
            "explore", ExploreTool::new));

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(System.out, System.err, args);
        } catch (Throwable e) {  // a failure before a tool's own handling (its class loading): still one line
            System.err.println("modstack: ERROR: internal error: " + e);
            status = 1;
        }
        System.exit(status);
    }

    /** Runs one tool invocation with the given streams and returns its exit status. */
    public static int run(OutputStream out, OutputStream err, String... args) {
        return run(null, out, err, args);
    }

    /** Runs one tool invocation as if started in directory {@code cwd} (null: the process's own). */
    public static int run(Path cwd, OutputStream out, OutputStream err, String... args) {
        if (args.length == 0 || !TOOLS.containsKey(args[0])) {
            ToolOutput io = new ToolOutput("modstack", out, err);
            boolean asked = args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"));
            if (asked) {
                io.print(usage());
            } else {
                io.printErr(usage());
            }
            io.flush();
            return asked ? 0 : 1;
        }
        ToolOutput io = new ToolOutput(args[0], out, err).inDirectory(cwd);
        try {
            return TOOLS.get(args[0]).get().run(io, List.of(Arrays.copyOfRange(args, 1, args.length)));
        } catch (ToolFailure e) {
            io.error(e.getMessage() + "\n");
            return 1;
        } catch (ErrnoException e) {
            io.error(e.errno().message() + "\n");
            return 1;
        } catch (Throwable e) {  // the last resort: one line, never a stack trace
            io.error("internal error: " + e + "\n");
            return 1;
        } finally {
            io.flush();
        }
    }

    private static String usage() {
        return "Usage: modstack <tool> [options] [args]\nTools: " + String.join(" ", TOOLS.keySet()) + "\n";
    }
}
