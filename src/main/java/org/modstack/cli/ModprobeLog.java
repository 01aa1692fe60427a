package org.modstack.cli;

/**
 * modprobe's log: its messages have a priority (syslog's {@code LOG_CRIT}, printed as FATAL, or
 * {@code LOG_WARNING} under {@code -a}) and are printed only when the verbosity ({@code -q},
 * {@code -v}) reaches it.
 */
final class ModprobeLog {
    /** syslog's {@code LOG_EMERG}: the verbosity under {@code -q}. */
    private static final int LOG_EMERG = 0;
    /** syslog's {@code LOG_CRIT}: a message's priority by default, printed as FATAL. */
    private static final int LOG_CRIT = 2;
    /** syslog's {@code LOG_WARNING}: a message's priority under {@code -a}, and the default verbosity. */
    private static final int LOG_WARNING = 4;

    private int verbose = LOG_WARNING;
    private int priority = LOG_CRIT;

    /** {@code -q}. */
    void quiet() {
        verbose = LOG_EMERG;
    }

    /** {@code -v}, once per use. */
    void louder() {
        verbose++;
    }

    /** {@code -a}: failures of one of several modules are warnings. */
    void warnOnly() {
        priority = LOG_WARNING;
    }

    /** syslog's {@code LOG_INFO}: libkmod's notes, shown at {@code -vv}. */
    private static final int LOG_INFO = 6;

    /** Logs libkmod's {@code message} at INFO, when {@code -vv} asked for it. */
    void info(ToolOutput io, String message) {
        if (verbose >= LOG_INFO) {
            io.info(message);
        }
    }

    /** Whether {@code -v} asked for the actions to be shown. */
    boolean showsActions() {
        return verbose > LOG_WARNING;
    }

    /**
     * Logs {@code message} at the current priority, unless the verbosity is below it. A FATAL
     * message ends the run, as kmod's log exits on one it prints.
     *
     * @throws Fatal after printing a FATAL message
     */
    void log(ToolOutput io, String message) {
        if (priority > verbose) {
            return;
        }
        if (priority == LOG_CRIT) {
            io.fatal(message);
            throw new Fatal();
        }
        io.warning(message);
    }

    /** The run ends here, with exit status 1: a FATAL message was printed. */
    static final class Fatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fatal() {
            super(null, null, false, false);
        }
    }
}
