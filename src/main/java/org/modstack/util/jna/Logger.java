package org.modstack.util.jna;

/**
 * The {@code java.util.logging.Logger} methods JNA's classes call. A message JUL's default
 * configuration would drop (below INFO: JNA's tracing of how it finds a library) is dropped
 * without starting JUL; the others go to the platform logger, JUL's front, as JNA's would.
 */
public final class Logger {
    private final String name;

    private Logger(String name) {
        this.name = name;
    }

    public static Logger getLogger(String name) {
        return new Logger(name);
    }

    public boolean isLoggable(Level level) {
        return level.shownByDefault() && platform().isLoggable(level.platform);
    }

    public void log(Level level, String message) {
        if (level.shownByDefault()) {
            platform().log(level.platform, message);
        }
    }

    public void log(Level level, String message, Object parameter) {
        log(level, message, new Object[] {parameter});
    }

    /** The platform logger formats {@code message} as JUL does, {@code {0}} the first parameter. */
    public void log(Level level, String message, Object[] parameters) {
        if (level.shownByDefault()) {
            platform().log(level.platform, message, parameters);
        }
    }

    public void log(Level level, String message, Throwable thrown) {
        if (level.shownByDefault()) {
            platform().log(level.platform, message, thrown);
        }
    }

    private System.Logger platform() {
        return System.getLogger(name);
    }
}
