package org.modstack.depmod;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.modstack.util.Interner;

/**
 * Reads the modules of a run without a cache (every module is read) while the search is still
 * finding the others: the search is one thread's work, and the other cores had nothing to do.
 * When the search ends, the searching thread reads what is left beside the helpers.
 */
final class ReadAhead implements Consumer<DepmodModule> {
    private final Interner names;
    private final List<DepmodModule> found = new ArrayList<>();
    private final List<Thread> helpers = new ArrayList<>();
    private int next;
    private boolean searched;

    ReadAhead(Interner names) {
        this.names = names;
        for (int i = 1; i < Runtime.getRuntime().availableProcessors(); i++) {
            Thread t = new Thread(this::help, "depmod-read-ahead");
            t.setDaemon(true);
            t.start();
            helpers.add(t);
        }
    }

    /** A module the search found: read as soon as a helper is free. */
    @Override
    public synchronized void accept(DepmodModule m) {
        found.add(m);
        notifyAll();
    }

    /** The search ended: reads what is left, and returns when every module found is read. */
    void finish() {
        synchronized (this) {
            searched = true;
            notifyAll();
        }
        drain();
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the modules read ahead", e);
            }
        }
    }

    private void help() {
        try {
            drain();
        } catch (RuntimeException e) {
            // The module it failed on was not marked read: ModuleReader.readAll reads it again,
            // and the failure reaches the caller from there, not as a stack trace on stderr.
        }
    }

    private void drain() {
        for (DepmodModule m = take(); m != null; m = take()) {
            m.contents = ModuleReader.read(m, names);
            m.readAhead = true;
        }
    }

    /** The next module found and not yet taken; null once the search ended and all were taken. */
    private synchronized DepmodModule take() {
        while (next == found.size() && !searched) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return next < found.size() ? found.get(next++) : null;
    }
}
