package org.modstack.util.jna;

/** The {@code java.util.logging.Level} constants JNA's classes log at, each a platform logger's level. */
public final class Level {
    public static final Level FINEST = new Level(System.Logger.Level.TRACE);
    public static final Level FINER = new Level(System.Logger.Level.TRACE);
    public static final Level FINE = new Level(System.Logger.Level.DEBUG);
    public static final Level CONFIG = new Level(System.Logger.Level.DEBUG);
    public static final Level INFO = new Level(System.Logger.Level.INFO);
    public static final Level WARNING = new Level(System.Logger.Level.WARNING);
    public static final Level SEVERE = new Level(System.Logger.Level.ERROR);

    final System.Logger.Level platform;

    private Level(System.Logger.Level platform) {
        this.platform = platform;
    }

    /** Whether JUL's default configuration (the root logger at INFO) prints a message at this level. */
    boolean shownByDefault() {
        return platform.getSeverity() >= System.Logger.Level.INFO.getSeverity();
    }
}
