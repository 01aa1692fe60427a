package org.modstack.kernel.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.modstack.ErrnoException;
import org.modstack.kernel.BootState;
import org.modstack.kernel.InTreeModules;
import org.modstack.kernel.LoadedModule;
import org.modstack.kernel.Taint;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.ModprobeConfig;
import org.modstack.module.Import;

/**
 * A stack of modules checked on one kernel: loaded on a fresh virtual kernel, each after the
 * stack modules it imports from (depmod's order) and after the in-tree modules it needs
 * (loaded first, with their own dependencies, as modprobe would), with the parameters the
 * kernel command line gives it ({@code module.param=value}, as modprobe passes them).
 */
public final class StackCheck {
    private final List<StackModule> stack;
    private final CheckKernel kernel;
    private final VirtualKernel vk;
    private final Map<String, StackModule> stackExporters = new HashMap<>();
    private final Map<StackModule, Verdict> verdicts = new IdentityHashMap<>();  // a record's hash reads its image
    private final ModprobeConfig options;
    private int tried;
    private final Set<StackModule> visiting = Collections.newSetFromMap(new IdentityHashMap<>());

    private StackCheck(List<StackModule> stack, CheckKernel kernel, BootState start) {
        this.stack = stack;
        this.kernel = kernel;
        this.vk = new VirtualKernel(kernel.description(), start);
        // modprobe passes a module the kernel command line's module.param=value; no modprobe.d is read
        this.options = ModprobeConfig.load(List.of("/nonexistent"), Optional.empty(),
                Optional.of(kernel.description().cmdline()), line -> { });
        Set<String> loaded = new HashSet<>();  // what the start state's modules export needs no stack module
        start.modules().forEach(l -> l.exports().forEach(e -> loaded.add(e.name())));
        for (StackModule m : stack) {
            m.exportNames().stream().filter(s -> !loaded.contains(s)).forEach(s -> stackExporters.putIfAbsent(s, m));
        }
    }

    /** The verdict of each module of {@code stack} on {@code kernel} (booted afresh, or in its start state), in the stack's order. */
    public static List<Verdict> run(List<StackModule> stack, CheckKernel kernel) {
        return run(stack, kernel, kernel.start() == null ? BootState.boot() : BootState.of(kernel.start()));
    }

    /** As {@link #run(List, CheckKernel)}, on a kernel in state {@code start} (which the check changes). */
    public static List<Verdict> run(List<StackModule> stack, CheckKernel kernel, BootState start) {
        StackCheck c = new StackCheck(stack, kernel, start);
        stack.forEach(c::check);
        return stack.stream().map(c.verdicts::get).toList();
    }

    /** Checks {@code m} after the stack modules it imports from (a cycle is broken where it closes). */
    private Verdict check(StackModule m) {
        Verdict done = verdicts.get(m);
        if (done != null || !visiting.add(m)) {
            return done;
        }
        List<Finding> refusedDeps = new ArrayList<>();
        for (Map.Entry<String, StackModule> dep : stackDependencies(m).entrySet()) {
            Verdict v = check(dep.getValue());
            if (v != null && !v.outcome().loaded()) {
                refusedDeps.add(Explanations.dependencyRefused(dep.getKey(), dep.getValue().name(), kernel.name()));
            }
        }
        visiting.remove(m);
        Verdict v = refusedDeps.isEmpty() ? load(m) : new Verdict(m.name(), m.file(), kernel.name(), 0,
                Verdict.Outcome.DEPENDENCY_REFUSED, "", List.of(), "", List.of(), List.of(), List.copyOf(refusedDeps));
        verdicts.put(m, v);
        return v;
    }

    /** The stack modules {@code m} imports from, in import order, each with the first symbol it takes from it. */
    private Map<String, StackModule> stackDependencies(StackModule m) {
        Set<StackModule> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, StackModule> out = new LinkedHashMap<>();
        for (Import i : m.imports()) {
            StackModule exporter = stackExporters.get(i.name());
            if (exporter != null && exporter != m && !i.weak() && !vmlinuxExports(i.name()) && seen.add(exporter)) {
                out.put(i.name(), exporter);
            }
        }
        return out;
    }

    private boolean vmlinuxExports(String symbol) {
        return kernel.description().exports().containsKey(symbol);
    }

    private Verdict load(StackModule m) {
        int order = ++tried;
        int logStart = vk.state().log().size();
        List<String> inTree = loadInTreeNeeds(m);
        try {
            vk.load(m.image(), options.options(m.name()), 0);
            LoadedModule loaded = vk.state().modules().get(0);
            List<String> log = newLog(logStart);
            Verdict.Outcome outcome = loaded.taints().isEmpty() ? Verdict.Outcome.LOADS : Verdict.Outcome.TAINTS;
            return new Verdict(m.name(), m.file(), kernel.name(), order, outcome, Taint.moduleLetters(loaded.taints()),
                    Explanations.taintReasons(loaded.taints(), m), "", log, inTree, List.of());
        } catch (ErrnoException e) {
            List<String> log = newLog(logStart);
            return new Verdict(m.name(), m.file(), kernel.name(), order, Verdict.Outcome.REFUSED, "", List.of(),
                    e.errno().name(), log, inTree, new Explanations(m, vk, kernel).of(log, e));
        }
    }

    /** Loads the in-tree modules exporting what {@code m} imports and nothing loaded provides. */
    private List<String> loadInTreeNeeds(StackModule m) {
        List<String> loaded = new ArrayList<>();
        for (Import i : m.imports()) {
            if (i.weak() || vmlinuxExports(i.name()) || stackExporters.containsKey(i.name())) {
                continue;
            }
            InTreeModules inTree = kernel.inTree();
            inTree.exporter(i.name()).ifPresent(owner -> {
                for (InTreeModules.InTreeModule dep : inTree.withDependencies(owner.name())) {
                    if (vk.state().module(dep.name()).isEmpty()) {
                        vk.loadInTree(dep);
                        loaded.add(dep.name());
                    }
                }
            });
        }
        return List.copyOf(loaded);
    }

    private List<String> newLog(int from) {
        List<String> log = vk.state().log();
        return List.copyOf(log.subList(from, log.size()));
    }
}
