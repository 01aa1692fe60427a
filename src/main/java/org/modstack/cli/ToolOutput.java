package org.modstack.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A tool's two output streams and kmod's message format on standard error.
 *
 * <p>Strings are written byte for byte (ISO-8859-1, see {@link org.modstack.util.CString}).
 * Standard output is buffered here rather than through a {@code PrintStream}: modinfo over a
 * distribution tree prints megabytes, and a charset encoder per write costs more than the
 * work that produced the text. Before anything goes to standard error, standard output is
 * flushed, so the two interleave as they would on a terminal.
 */
public final class ToolOutput {
    /** syslog's priorities, each with the word kmod's log prints for it. */
    private static final int LOG_CRIT = 2;
    private static final int LOG_ERR = 3;
    private static final int LOG_WARNING = 4;
    private static final int LOG_INFO = 6;
    private static final String[] PRIORITY_NAMES = {"EMERGENCY", "ALERT", "FATAL", "ERROR", "WARNING", "NOTICE",
        "INFO", "DEBUG"};

    private final String tool;
    private final OutputStream out;
    private final OutputStream err;
    private final byte[] buf = new byte[1 << 16];
    private int used;
    private Path workingDirectory;
    private boolean systemLog;

    public ToolOutput(String tool, OutputStream out, OutputStream err) {
        this.tool = tool;
        this.out = out;
        this.err = err;
    }

    /** Relative file names given to the tool are taken from {@code dir} (an in-process run's "current directory"). */
    ToolOutput inDirectory(Path dir) {
        this.workingDirectory = dir;
        return this;
    }

    /** The same streams under another name: a multi-call command speaks as itself, as its argv[0]. */
    ToolOutput renamed(String name) {
        flush();
        return new ToolOutput(name, out, err).inDirectory(workingDirectory);
    }

    /** A file name given on the command line, as the tool opens it. */
    public Path resolve(String file) {
        Path p = Path.of(file);
        return workingDirectory == null ? p : workingDirectory.resolve(p);
    }

    /** The name the tool reports itself by, e.g. {@code modinfo}. */
    public String tool() {
        return tool;
    }

    /** Writes {@code s} to standard output. */
    @SuppressWarnings("deprecation")  // getBytes(int, int, byte[], int) copies Latin-1 without an encoder
    public ToolOutput print(String s) {
        int n = s.length();
        if (n > buf.length - used) {
            drain();
            if (n > buf.length) {
                write(out, s.getBytes(StandardCharsets.ISO_8859_1));
                return this;
            }
        }
        s.getBytes(0, n, buf, used);  // Latin-1 by definition: one byte per char, no encoder
        used += n;
        return this;
    }

    /** Writes one character to standard output. */
    public ToolOutput print(char c) {
        if (used == buf.length) {
            drain();
        }
        buf[used++] = (byte) c;
        return this;
    }

    /**
     * Standard output as a byte stream through the same buffer, for a writer that encodes its own
     * text (Jackson's streaming generator writes UTF-8); closing it leaves standard output open.
     */
    public OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                print((char) (b & 0xff));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len > buf.length - used) {
                    drain();
                }
                if (len > buf.length) {
                    ToolOutput.write(out, b, off, len);
                    return;
                }
                System.arraycopy(b, off, buf, used, len);
                used += len;
            }
        };
    }

    /** Writes {@code s} to standard error, after flushing standard output. */
    public void printErr(String s) {
        flush();
        write(err, s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * From now on the tool's log goes to the system log instead of standard error ({@code
     * --syslog}, taken once every option has been read, as kmod opens its log). getopt's own
     * complaints stay on standard error, and so do lines libkmod's default logger writes
     * ({@link Report#AS_IS}: configuration errors, reported before the tool sets its logger).
     */
    void toSystemLog() {
        SystemLog.open(tool);
        systemLog = true;
    }

    /** {@code <tool>: ERROR: <message>}, as kmod's tools log an error; no newline is added. */
    public void error(String message) {
        log(LOG_ERR, message);
    }

    private void log(int priority, String message) {
        if (systemLog) {
            SystemLog.send(priority, PRIORITY_NAMES[priority] + ": " + message);
        } else {
            printErr(tool + ": " + PRIORITY_NAMES[priority] + ": " + message);
        }
    }

    /** How a {@link #reporter} writes a library's messages to standard error. */
    public enum Report {
        /** As they are ({@link #printErr}). */
        AS_IS,
        /** As {@link #error}s. */
        ERROR,
        /** As {@link #error}s, each made a line. */
        ERROR_LINE
    }

    /**
     * Standard error as a consumer of a library's messages, written as {@code report} says. A
     * class, not a method reference: the one-module commands link no lambda (see
     * {@code SmallCommandsTest}).
     */
    public Consumer<String> reporter(Report report) {
        return new Reporter(report);
    }

    private final class Reporter implements Consumer<String> {
        private final Report report;

        Reporter(Report report) {
            this.report = report;
        }

        @Override
        public void accept(String message) {
            switch (report) {
                case AS_IS -> printErr(message);
                case ERROR -> error(message);
                case ERROR_LINE -> error(message + "\n");
            }
        }
    }

    /** {@code <tool>: WARNING: <message>}; no newline is added. */
    public void warning(String message) {
        log(LOG_WARNING, message);
    }

    /** {@code <tool>: INFO: <message>}; no newline is added. */
    public void info(String message) {
        log(LOG_INFO, message);
    }

    /** {@code <tool>: FATAL: <message>}; no newline is added. */
    public void fatal(String message) {
        log(LOG_CRIT, message);
    }

    /** Writes out what is buffered. */
    public void flush() {
        drain();
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void drain() {
        if (used > 0) {
            int n = used;
            used = 0;  // emptied first: after a reader has gone, the final flush has nothing left to write
            write(out, buf, 0, n);  // the stream copies what it keeps: no copy here
        }
    }

    private static void write(OutputStream s, byte[] bytes) {
        write(s, bytes, 0, bytes.length);
    }

    private static void write(OutputStream s, byte[] bytes, int off, int len) {
        try {
            s.write(bytes, off, len);
        } catch (IOException e) {
            if (ErrnoException.of(e, "").errno() == Errno.EPIPE) {
                throw new ReaderGone(e);
            }
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whoever read the output has gone ({@code | head}): kmod's tools die of SIGPIPE there, and
     * the JVM, which ignores the signal, gets EPIPE instead; the tool ends as kmod's would.
     */
    static final class ReaderGone extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The shell's status for a process killed by SIGPIPE (128 + 13). */
        static final int STATUS = 141;

        ReaderGone(IOException cause) {
            super(cause);
        }
    }
}
