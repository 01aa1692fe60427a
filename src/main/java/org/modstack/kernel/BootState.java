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
    final List<LoadedModule> modules;
    long taint;
    final List<String> log;
    final Set<String> once;
    final Map<String, Integer> initResults;
    long nextAddress;

    private BootState(List<LoadedModule> modules, long taint, List<String> log, Set<String> once,
                      Map<String, Integer> initResults, long nextAddress) {
        this.modules = modules;
        this.taint = taint;
        this.log = log;
        this.once = once;
        this.initResults = initResults;
        this.nextAddress = nextAddress;
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
        return modules.stream().filter(m -> m.name().equals(name)).findFirst();
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
        modules.set(modules.indexOf(old), updated);
    }
}
