package org.modstack.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a kernel has done since it booted: its module list (newest first, as the kernel keeps
 * it), the taint mask, the kernel log, the messages that are printed once per boot, and the init
 * results scripted for modules.
 */
public final class BootState {
    private static final long PAGE = 4096;
    final List<LoadedModule> modules;
    long taint;
    final List<String> log;
    final Set<String> once;
    final Map<String, Integer> initResults;
    long nextAddress;
    /** Each exported symbol's exporters, newest first: find_symbol over thousands of modules stays cheap. */
    private final Map<String, List<String>> exporters = new HashMap<>();
    private final Map<String, LoadedModule> byName = new HashMap<>();

    private BootState(List<LoadedModule> modules, long taint, List<String> log, Set<String> once,
                      Map<String, Integer> initResults, long nextAddress) {
        this.modules = modules;
        this.taint = taint;
        this.log = log;
        this.once = once;
        this.initResults = initResults;
        this.nextAddress = nextAddress;
        for (int i = modules.size() - 1; i >= 0; i--) {
            index(modules.get(i));
        }
    }

    /** A kernel just booted: nothing loaded, untainted, an empty log. */
    public static BootState boot() {
        return new BootState(new ArrayList<>(), 0, new ArrayList<>(), new LinkedHashSet<>(), new HashMap<>(),
                0xffffffffc0000000L);
    }

    /** The persistent form. */
    public record Snapshot(List<LoadedModule> modules, long taint, List<String> log, Set<String> once,
                           Map<String, Integer> initResults, long nextAddress) {
    }

    /** A copy of the state, for storing. */
    public Snapshot snapshot() {
        return new Snapshot(List.copyOf(modules), taint, List.copyOf(log), Set.copyOf(once), Map.copyOf(initResults),
                nextAddress);
    }

    /** The state a snapshot recorded. */
    public static BootState of(Snapshot s) {
        return new BootState(new ArrayList<>(s.modules()), s.taint(), new ArrayList<>(s.log()),
                new LinkedHashSet<>(s.once()), new HashMap<>(s.initResults()), s.nextAddress());
    }

    /** The loaded modules, newest first. */
    public List<LoadedModule> modules() {
        return List.copyOf(modules);
    }

    /** The module named {@code name}, if loaded. */
    public Optional<LoadedModule> module(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The global taint mask ({@code /proc/sys/kernel/tainted}). */
    public long taint() {
        return taint;
    }

    /** The kernel log since boot, one entry per line, without timestamps. */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** Empties the log, as {@code dmesg -c} does after printing it. */
    public void clearLog() {
        log.clear();
    }

    void replace(LoadedModule old, LoadedModule updated) {
        modules.set(position(old), updated);
        byName.put(updated.name(), updated);
    }

    /**
     * Where {@code m} is in the list, found by identity: a record's equals compares every export,
     * and its first call spins method handles a one-command JVM pays for.
     */
    private int position(LoadedModule m) {
        int i = 0;
        while (modules.get(i) != m) {
            i++;
        }
        return i;
    }

    /** Where a module of {@code size} bytes goes: vmalloc's next pages, leaving a guard page. */
    long allocate(long size) {
        long at = nextAddress;
        nextAddress += (size + PAGE - 1) / PAGE * PAGE + PAGE;
        return at;
    }

    /** A module entering the list, at its head (the kernel's list_add_rcu). */
    void add(LoadedModule m) {
        modules.add(0, m);
        index(m);
    }

    void remove(LoadedModule m) {
        modules.remove(position(m));
        byName.remove(m.name());
        for (KernelSymbol e : m.exports()) {
            List<String> owners = exporters.get(e.name());
            owners.remove(m.name());
            if (owners.isEmpty()) {
                exporters.remove(e.name());
            }
        }
    }

    /** The loaded modules exporting {@code symbol}, newest first (the order find_symbol walks them in). */
    List<LoadedModule> exporters(String symbol) {
        List<LoadedModule> out = new ArrayList<>();
        for (String name : exporters.getOrDefault(symbol, List.of())) {
            out.add(byName.get(name));
        }
        return out;
    }

    private void index(LoadedModule m) {
        byName.put(m.name(), m);
        for (KernelSymbol e : m.exports()) {
            List<String> owners = exporters.get(e.name());
            if (owners == null) {
                owners = new ArrayList<>(1);
                exporters.put(e.name(), owners);
            }
            if (!owners.contains(m.name())) {
                owners.add(0, m.name());
            }
        }
    }
}
