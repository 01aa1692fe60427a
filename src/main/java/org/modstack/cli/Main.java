package org.modstack.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.modstack.ErrnoException;

/**
 * The {@code modstack} entry point: {@code modstack <tool> [args]}, where the tool is one of
 * kmod's tool names. The launcher passes the tool name first when it was invoked through a
 * symlink named after a tool, as kmod's multi-call binary does.
 */
public final class Main {
    /** Version and features, printed by every tool's {@code -V}. */
    static final String VERSION = "modstack version 0.1.0 (kmod 30 compatible)\n+ZSTD +XZ +ZLIB +LIBCRYPTO -EXPERIMENTAL\n";

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            // the descriptors themselves: System.out, a PrintStream, would hide a reader gone (EPIPE)
            status = run(new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err), args);
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
        if (args.length == 0 || !ToolTable.TOOLS.containsKey(args[0])) {
            return launcher(out, err, cwd, List.of(args));
        }
        ToolOutput io = new ToolOutput(args[0], out, err).inDirectory(cwd);
        try {
            int status = ToolTable.make(args[0]).run(io, List.of(Arrays.copyOfRange(args, 1, args.length)));
            io.flush();
            return status;
        } catch (ToolOutput.ReaderGone e) {
            return ToolOutput.ReaderGone.STATUS;
        } catch (ToolFailure e) {
            io.error(e.getMessage() + "\n");
            return 1;
        } catch (ErrnoException e) {
            io.error(e.errno().message() + "\n");
            return 1;
        } catch (UncheckedIOException e) {  // a lazily read kernel file: still its path and strerror
            IOException cause = e.getCause();
            io.error(ErrnoException.of(cause, cause instanceof FileSystemException f ? f.getFile() : "").describe() + "\n");
            return 1;
        } catch (Throwable e) {  // the last resort: one line, never a stack trace
            io.error("internal error: " + e + "\n");
            return 1;
        } finally {
            flushQuietly(io);
        }
    }

    /** After a failure the error line must still out; a reader that has gone takes nothing. */
    private static void flushQuietly(ToolOutput io) {
        try {
            io.flush();
        } catch (ToolOutput.ReaderGone | UncheckedIOException e) {
            // nothing more can be said on a stream that is gone
        }
    }

    /** {@code modstack} itself: its help and version, {@code help TOOL}, or an unknown tool. */
    private static int launcher(OutputStream out, OutputStream err, Path cwd, List<String> args) {
        ToolOutput io = new ToolOutput("modstack", out, err);
        String first = args.isEmpty() ? "" : args.get(0);
        int status = 0;
        switch (first) {
            case "--help", "-h" -> io.print(usage());
            case "--version", "-V" -> io.print(VERSION);
            case "help" -> {
                if (args.size() > 1 && ToolTable.TOOLS.containsKey(args.get(1))) {
                    return run(cwd, out, err, args.get(1), "--help");
                }
                io.print(usage());
                status = args.size() > 1 ? unknown(io, args.get(1)) : 0;
            }
            case "" -> {
                io.printErr(usage());
                status = 1;
            }
            default -> status = unknown(io, first);
        }
        io.flush();
        return status;
    }

    private static int unknown(ToolOutput io, String tool) {
        io.error("unknown tool '" + tool + "' (modstack help lists them)\n");
        return 1;
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("Usage: modstack <tool> [options] [args]\n"
                + "       modstack help [TOOL] | --help | --version\n\nTools:\n");
        ToolTable.TOOLS.forEach((t, about) -> sb.append(String.format("  %-10s %s\n", t, about)));
        sb.append("\nA tool acts on a virtual kernel only when one is named (--kernel DIR or\n"
                + "$MODSTACK_KERNEL); otherwise on the running system, as kmod's tools do.\n"
                + "'modstack help TOOL' shows a tool's options.\n");
        return sb.toString();
    }
}
