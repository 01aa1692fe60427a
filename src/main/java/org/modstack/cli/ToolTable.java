package org.modstack.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Every tool by name, with the line {@code modstack help} says about it, and every command line's
 * option table: what help, shell completion and manual pages are made from, so they cannot
 * disagree.
 */
final class ToolTable {
    /** A tool: how to make one, and what it does in a line. */
    record Entry(Supplier<Tool> make, String about) {
    }

    static final Map<String, Entry> TOOLS = new TreeMap<>(Map.ofEntries(
            Map.entry("modinfo", new Entry(Modinfo::new, "show information about kernel modules")),
            Map.entry("depmod", new Entry(DepmodTool::new, "write a module tree's dependency and alias indexes")),
            Map.entry("modprobe", new Entry(ModprobeTool::new, "load or remove a module with its whole stack")),
            Map.entry("insmod", new Entry(InsmodTool::new, "insert one module file")),
            Map.entry("rmmod", new Entry(RmmodTool::new, "remove modules")),
            Map.entry("lsmod", new Entry(LsmodTool::new, "list the loaded modules")),
            Map.entry("kernel", new Entry(KernelTool::new, "boot and inspect a virtual kernel (modstack's own)")),
            Map.entry("check", new Entry(CheckTool::new, "will these modules load on those kernels, and if not, why")),
            Map.entry("kmod", new Entry(KmodTool::new, "kmod's multi-call name: list, static-nodes, help")),
            Map.entry("deps", new Entry(DepsTool::new, "a module tree's direct dependencies (hard and soft), as text or JSON")),
            Map.entry("graph", new Entry(GraphTool::new, "draw a stack: DOT, SVG, PNG (Graphviz) or JSON")),
            Map.entry("explore", new Entry(ExploreTool::new, "write a browsable HTML page of a tree or a virtual kernel")),
            Map.entry("completion", new Entry(CompletionTool::new, "print a shell's completion script: bash, zsh or fish")),
            Map.entry("man", new Entry(ManTool::new, "print a tool's manual page (roff, for man -l)"))));

    private ToolTable() {
    }

    /**
     * The command lines that take options, by their words ({@code "modprobe"},
     * {@code "kernel boot"}, {@code "kmod static-nodes"}), each with its options.
     */
    static Map<String, List<Getopt.Spec>> optionTables() {
        Map<String, List<Getopt.Spec>> out = new LinkedHashMap<>();
        TOOLS.forEach((name, e) -> {
            if (e.make().get() instanceof GetoptTool g) {
                out.put(name, g.options().specs());
            }
        });
        for (String sub : KernelTool.names()) {
            if (KernelTool.subcommand(sub) instanceof GetoptTool g) {
                out.put("kernel " + sub, g.options().specs());
            }
        }
        out.put("kmod static-nodes", new StaticNodesTool().options().specs());
        return out;
    }

    /** The words that may follow a tool that has subcommands ({@code kernel}, {@code kmod}). */
    static Map<String, List<String>> subcommands() {
        return Map.of("kernel", new ArrayList<>(KernelTool.names()), "kmod", List.of("help", "list", "static-nodes"));
    }

    /** An option as a user types it: {@code --long} ({@code --long=} when it takes a value), else {@code -x}. */
    static String word(Getopt.Spec spec) {
        if (spec.longName() == null) {
            return "-" + spec.shortName();
        }
        return "--" + spec.longName() + (spec.arg() == Getopt.Arg.REQUIRED ? "=" : "");
    }
}
