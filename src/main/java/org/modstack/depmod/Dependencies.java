package org.modstack.depmod;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;

/**
 * Orders the modules so that every module comes before the modules it depends on (kmod's
 * topological sort with a LIFO stack, seeded with the modules nobody uses), and reports the
 * cycles that make such an order impossible, in kmod's words.
 */
final class Dependencies {
    /**
     * By depSortIndex; a lambda of ours, not the JDK's {@code Comparator.comparingInt}, whose
     * lambda the class-data archive does not keep and each run would make anew.
     */
    private static final Comparator<DepmodModule> BY_DEP_SORT =
            (a, b) -> Integer.compare(a.depSortIndex, b.depSortIndex);

    private Dependencies() {
    }

    /** Sets each module's depSortIndex and sorts its direct dependencies by it. */
    static void sort(List<DepmodModule> modules, Depmod.Log log) throws DepmodException {
        int[] users = new int[modules.size()];
        int[] stack = new int[modules.size()];
        int top = 0;
        for (int i = 0; i < modules.size(); i++) {
            users[i] = modules.get(i).users;
            if (users[i] == 0) {
                stack[top++] = i;
            }
        }
        int sorted = 0;
        while (top > 0) {
            DepmodModule src = modules.get(stack[--top]);
            src.depSortIndex = sorted++;
            for (DepmodModule dst : src.deps) {
                if (--users[dst.index] == 0) {
                    stack[top++] = dst.index;
                }
            }
        }
        if (sorted < modules.size()) {
            reportCycles(modules, users, log);
            throw new DepmodException("");
        }
        for (DepmodModule m : modules) {
            m.deps.sort(BY_DEP_SORT);
        }
    }

    /**
     * Every module {@code m} depends on, directly or not, deepest last: the order modules.dep
     * lists them in and modprobe loads them in reverse.
     */
    static List<DepmodModule> closure(DepmodModule m) {
        Set<DepmodModule> seen = new LinkedHashSet<>();
        collect(m, seen);
        List<DepmodModule> out = new ArrayList<>(seen);
        out.sort(BY_DEP_SORT);
        return out;
    }

    private static void collect(DepmodModule m, Set<DepmodModule> seen) {
        for (DepmodModule d : m.deps) {
            if (seen.add(d)) {
                collect(d, seen);
            }
        }
    }

    /** A step of the cycle search: a module and the step that led to it. */
    private record Vertex(DepmodModule module, Vertex parent) {
    }

    /**
     * kmod's cycle report: from each module still holding users after the sort, a depth-first
     * walk that prints each path leading back to its start, then the number of modules on
     * such paths.
     */
    private static void reportCycles(List<DepmodModule> modules, int[] users, Depmod.Log log) {
        LinkedList<DepmodModule> roots = new LinkedList<>();
        for (int i = 0; i < modules.size(); i++) {
            if (users[i] > 0) {
                roots.add(modules.get(i));
            }
        }
        Set<String> inCycles = new LinkedHashSet<>();
        int stackLimit = roots.size();
        while (!roots.isEmpty()) {
            DepmodModule root = roots.removeFirst();
            walk(root, roots, inCycles, stackLimit, log);
        }
        log.error("Found " + inCycles.size() + " modules in dependency cycles!\n");
    }

    /**
     * One walk. kmod sizes its stack by the number of starting modules and asserts it never
     * overflows; a walk caught in a cycle that does not lead back to its start would overflow
     * it, and there kmod aborts. modstack ends such a walk instead.
     */
    private static void walk(DepmodModule root, LinkedList<DepmodModule> roots, Set<String> inCycles, int stackLimit,
                             Depmod.Log log) {
        Deque<Vertex> stack = new ArrayDeque<>();
        stack.push(new Vertex(root, null));
        while (!stack.isEmpty()) {
            Vertex v = stack.pop();
            DepmodModule m = v.module();
            if (m.visited && m == root) {
                reportOne(v, roots, inCycles, log);
                continue;
            }
            m.visited = true;
            if (m.deps.isEmpty()) {
                roots.remove(m);
                continue;
            }
            for (DepmodModule dep : m.deps) {
                if (stack.size() >= stackLimit) {
                    return;
                }
                stack.push(new Vertex(dep, v));
            }
        }
    }

    private static void reportOne(Vertex end, LinkedList<DepmodModule> roots, Set<String> inCycles, Depmod.Log log) {
        List<DepmodModule> path = new ArrayList<>();
        for (Vertex v = end.parent(); v != null; v = v.parent()) {
            path.add(v.module());
            inCycles.add(v.module().name);
        }
        StringBuilder sb = new StringBuilder("Cycle detected: ");
        for (int i = path.size() - 1; i >= 0; i--) {
            sb.append(path.get(i).name).append(" -> ");
            roots.remove(path.get(i));
        }
        sb.append(end.module().name).append('\n');
        log.error(sb.toString());
    }
}
