package org.modstack.depmod;

import java.util.ArrayList;
import java.util.List;

/**
 * A log that keeps its messages, to pass them on later in a fixed order, or again in a later
 * run ({@link PreviousRun}).
 */
final class BufferedLog implements Depmod.Log {
    /** The levels of {@link Depmod.Log}; their order numbers are stored in {@link PreviousRun}'s file. */
    enum Level {
        ERROR, WARNING, INFO, SHOW;

        void emit(Depmod.Log log, String text) {
            switch (this) {
                case ERROR -> log.error(text);
                case WARNING -> log.warning(text);
                case INFO -> log.info(text);
                case SHOW -> log.show(text);
            }
        }
    }

    /** One message as it was logged. */
    record Message(Level level, String text) {
    }

    private final List<Message> kept = new ArrayList<>();
    private final boolean shows;

    /** A log keeping every message. */
    BufferedLog() {
        this(true);
    }

    /** A log keeping every message, the {@link #show} trace only if {@code shows}. */
    BufferedLog(boolean shows) {
        this.shows = shows;
    }

    @Override
    public void error(String message) {
        keep(Level.ERROR, message);
    }

    @Override
    public void warning(String message) {
        keep(Level.WARNING, message);
    }

    @Override
    public void info(String message) {
        keep(Level.INFO, message);
    }

    @Override
    public void show(String message) {
        if (shows) {
            keep(Level.SHOW, message);
        }
    }

    @Override
    public boolean shows() {
        return shows;
    }

    private synchronized void keep(Level level, String text) {
        kept.add(new Message(level, text));
    }

    /** Every message kept so far, in the order they came. */
    synchronized List<Message> messages() {
        return List.copyOf(kept);
    }

    /** Passes every kept message to {@code log}, in the order they came. */
    synchronized void replayTo(Depmod.Log log) {
        replay(kept, log);
    }

    static void replay(List<Message> messages, Depmod.Log log) {
        messages.forEach(m -> m.level().emit(log, m.text()));
    }
}
