package org.modstack.depmod;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** A log that keeps its messages, to pass them on later in a fixed order. */
final class BufferedLog implements Depmod.Log {
    private record Message(BiConsumer<Depmod.Log, String> level, String text) {
    }

    private final List<Message> pending = new ArrayList<>();

    @Override
    public void error(String message) {
        keep(Depmod.Log::error, message);
    }

    @Override
    public void warning(String message) {
        keep(Depmod.Log::warning, message);
    }

    @Override
    public void info(String message) {
        keep(Depmod.Log::info, message);
    }

    @Override
    public void show(String message) {
        keep(Depmod.Log::show, message);
    }

    private synchronized void keep(BiConsumer<Depmod.Log, String> level, String text) {
        pending.add(new Message(level, text));
    }

    /** Passes every kept message to {@code log}, in the order they came. */
    synchronized void replayTo(Depmod.Log log) {
        pending.forEach(m -> m.level().accept(log, m.text()));
        pending.clear();
    }
}
