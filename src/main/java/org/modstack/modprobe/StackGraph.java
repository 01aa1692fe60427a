package org.modstack.modprobe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.modstack.ErrnoException;

/**
 * A stack as a graph to draw: modules, and edges from the module that needs (or holds) to the
 * one needed. Drawn from a tree's direct edges ({@link DirectDependencies}) or from a running
 * kernel's holders.
 *
 * @param nodes the modules, each once, in the order first reached
 * @param edges the edges, each once
 */
public record StackGraph(List<Node> nodes, List<Edge> edges) {
    public StackGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** What an edge stands for. */
    public enum Kind { HARD, SOFT_PRE, SOFT_POST, HOLDER }

    /**
     * A module.
     *
     * @param builtin built into the kernel image (a softdep may name one)
     * @param root one of the modules the graph was asked about
     */
    public record Node(String name, boolean builtin, boolean root) {
    }

    /** {@code from} needs {@code to} (a hard or soft dependency), or holds it (its symbols are in use). */
    public record Edge(String from, String to, Kind kind) {
    }

    /** A module's node in a tree, if the tree has the module. */
    @FunctionalInterface
    public interface Lookup {
        Optional<DirectDependencies.Node> find(String name) throws ErrnoException;
    }

    /** Every module of a tree and all its direct edges. */
    public static StackGraph ofTree(Collection<DirectDependencies.Node> tree) {
        Builder b = new Builder();
        tree.forEach(n -> b.add(n, false));
        return b.build();
    }

    /**
     * The {@code roots} and everything they need, through {@code lookup} (a module's node in the
     * tree); with {@code users}, also every module that needs them, directly or not.
     */
    public static StackGraph around(Collection<String> roots, Lookup lookup,
                                    Optional<Collection<DirectDependencies.Node>> users) throws ErrnoException {
        Builder b = new Builder();
        Deque<String> down = new ArrayDeque<>(roots);
        Set<String> rootSet = Set.copyOf(roots);
        Set<String> seen = new HashSet<>();
        while (!down.isEmpty()) {
            String name = down.poll();
            if (!seen.add(name)) {
                continue;
            }
            Optional<DirectDependencies.Node> n = lookup.find(name);
            if (n.isPresent()) {
                b.add(n.get(), rootSet.contains(name));
                n.get().depends().forEach(d -> down.add(d.module()));
                n.get().softdeps().forEach(s -> down.add(s.module()));
            }
        }
        users.ifPresent(tree -> b.addUsers(rootSet, tree));
        return b.build();
    }

    /** A kernel's loaded modules, each holder pointing at the module it holds. */
    public static StackGraph ofHolders(List<String> loaded, Function<String, List<String>> holders) {
        Builder b = new Builder();
        for (String m : loaded) {
            b.node(m, false, false);
            for (String h : holders.apply(m)) {
                b.edge(h, m, Kind.HOLDER);
            }
        }
        return b.build();
    }

    private static final class Builder {
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final Map<Edge, Boolean> edges = new LinkedHashMap<>();

        void node(String name, boolean builtin, boolean root) {
            Node old = nodes.get(name);
            if (old == null || (root && !old.root()) || (builtin && !old.builtin())) {
                nodes.put(name, new Node(name, builtin || (old != null && old.builtin()), root || (old != null && old.root())));
            }
        }

        void edge(String from, String to, Kind kind) {
            node(from, false, false);
            node(to, false, false);
            edges.putIfAbsent(new Edge(from, to, kind), true);
        }

        void add(DirectDependencies.Node n, boolean root) {
            node(n.name(), false, root);
            n.depends().forEach(d -> edge(n.name(), d.module(), Kind.HARD));
            for (DirectDependencies.Softdep s : n.softdeps()) {
                node(s.module(), s.builtin(), false);
                edge(n.name(), s.module(), s.pre() ? Kind.SOFT_PRE : Kind.SOFT_POST);
            }
        }

        /** Every module of {@code tree} that reaches a root through its edges, with the edges that do. */
        void addUsers(Set<String> roots, Collection<DirectDependencies.Node> tree) {
            Map<String, List<Edge>> usersOf = new HashMap<>();
            for (DirectDependencies.Node n : tree) {
                n.depends().forEach(d -> usersOf.computeIfAbsent(d.module(), k -> new ArrayList<>())
                        .add(new Edge(n.name(), d.module(), Kind.HARD)));
                n.softdeps().forEach(s -> usersOf.computeIfAbsent(s.module(), k -> new ArrayList<>())
                        .add(new Edge(n.name(), s.module(), s.pre() ? Kind.SOFT_PRE : Kind.SOFT_POST)));
            }
            Deque<String> up = new ArrayDeque<>(roots);
            Set<String> seen = new HashSet<>();
            while (!up.isEmpty()) {
                String name = up.poll();
                if (!seen.add(name)) {
                    continue;
                }
                for (Edge e : usersOf.getOrDefault(name, List.of())) {
                    node(e.from(), false, roots.contains(e.from()));
                    edge(e.from(), e.to(), e.kind());
                    up.add(e.from());
                }
            }
        }

        StackGraph build() {
            return new StackGraph(new ArrayList<>(nodes.values()), new ArrayList<>(edges.keySet()));
        }
    }
}
