package org.modstack.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every tool by name, with the line {@code modstack help} says about it, and every command line's
 * option table: what help, shell completion and manual pages are made from, so they cannot
 * disagree.
 */
final class ToolTable {
    /** Every tool's name, with what it does in a line. */
    static final Map<String, String> TOOLS = new TreeMap<>(Map.ofEntries(
            Map.entry("modinfo", "show information about kernel modules"),
            Map.entry("depmod", "write a module tree's dependency and alias indexes"),
            Map.entry("modprobe", "load or remove a module with its whole stack"),
            Map.entry("insmod", "insert one module file"),
            Map.entry("rmmod", "remove modules"),
            Map.entry("lsmod", "list the loaded modules"),
            Map.entry("kernel", "boot and inspect a virtual kernel (modstack's own)"),
            Map.entry("check", "will these modules load on those kernels, and if not, why"),
            Map.entry("kmod", "kmod's multi-call name: list, static-nodes, help"),
            Map.entry("deps", "a module tree's direct dependencies (hard and soft), as text or JSON"),
            Map.entry("graph", "draw a stack: DOT, SVG, PNG (Graphviz) or JSON"),
            Map.entry("explore", "write a browsable HTML page of a tree or a virtual kernel"),
            Map.entry("completion", "print a shell's completion script: bash, zsh or fish"),
            Map.entry("man", "print a tool's manual page (roff, for man -l)")));

    /**
     * A new tool of one of the names {@link #TOOLS} lists. A switch, not a table of constructor
     * references: linking fourteen method references cost every command's start several
     * milliseconds, for the one tool it runs.
     */
    static Tool make(String name) {
        return switch (name) {
            case "modinfo" -> new Modinfo();
            case "depmod" -> new DepmodTool();
            case "modprobe" -> new ModprobeTool();
            case "insmod" -> new InsmodTool();
            case "rmmod" -> new RmmodTool();
            case "lsmod" -> new LsmodTool();
            case "kernel" -> new KernelTool();
            case "check" -> new CheckTool();
            case "kmod" -> new KmodTool();
            case "deps" -> new DepsTool();
            case "graph" -> new GraphTool();
            case "explore" -> new ExploreTool();
            case "completion" -> new CompletionTool();
            case "man" -> new ManTool();
            default -> throw new IllegalArgumentException("no tool " + name);
        };
    }

    private ToolTable() {
    }

    /**
     * The command lines that take options, by their words ({@code "modprobe"},
     * {@code "kernel boot"}, {@code "kmod static-nodes"}), each with its options.
     */
    static Map<String, List<Getopt.Spec>> optionTables() {
        Map<String, List<Getopt.Spec>> out = new LinkedHashMap<>();
        TOOLS.keySet().forEach(name -> {
            if (make(name) instanceof GetoptTool g) {
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
