package org.modstack.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A tool's two output streams, writing strings byte for byte (ISO-8859-1, see
 * {@link org.modstack.elf.CString}), and kmod's message format on standard error.
 */
public final class ToolOutput {
    private final String tool;
    private final PrintStream out;
    private final PrintStream err;

    public ToolOutput(String tool, OutputStream out, OutputStream err) {
        this.tool = tool;
        this.out = new PrintStream(out, false, StandardCharsets.ISO_8859_1);
        this.err = new PrintStream(err, true, StandardCharsets.ISO_8859_1);
    }

    /** The name the tool reports itself by, e.g. {@code modinfo}. */
    public String tool() {
        return tool;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** {@code <tool>: ERROR: <message>}, as kmod's tools log an error; no newline is added. */
    public void error(String message) {
        out.flush();
        err.print(tool + ": ERROR: " + message);
    }

    /** {@code <tool>: WARNING: <message>}; no newline is added. */
    public void warning(String message) {
        out.flush();
        err.print(tool + ": WARNING: " + message);
    }

    /** {@code <tool>: FATAL: <message>}; no newline is added. */
    public void fatal(String message) {
        out.flush();
        err.print(tool + ": FATAL: " + message);
    }

    /** Flushes both streams. */
    public void flush() {
        out.flush();
        err.flush();
    }
}
