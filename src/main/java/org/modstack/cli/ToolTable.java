package org.modstack.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every tool by name, with the line {@code modstack help} says about it, and every command line's
 * option table: what help, shell completion and manual pages are made from, so they cannot
 * disagree.
 */
final class ToolTable {
    /**
     * The tools, each named by its constant in lower case, with what it does in a line. A tool is
     * made by a switch: constructor references, linked all at once, cost every command's start
     * several milliseconds, and a body for each constant was a class each to load.
     */
    private enum Kind {
        MODINFO("show information about kernel modules"),
        DEPMOD("write a module tree's dependency and alias indexes"),
        MODPROBE("load or remove a module with its whole stack"),
        INSMOD("insert one module file"),
        RMMOD("remove modules"),
        LSMOD("list the loaded modules"),
        KERNEL("boot and inspect a virtual kernel (modstack's own)"),
        CHECK("will these modules load on those kernels, and if not, why"),
        KMOD("kmod's multi-call name: list, static-nodes, help"),
        DEPS("a module tree's direct dependencies (hard and soft), as text or JSON"),
        GRAPH("draw a stack: DOT, SVG, PNG (Graphviz) or JSON"),
        EXPLORE("write a browsable HTML page of a tree or a virtual kernel"),
        COMPLETION("print a shell's completion script: bash, zsh or fish"),
        MAN("print a tool's manual page (roff, for man -l)");

        private final String about;

        Kind(String about) {
            this.about = about;
        }

        Tool make() {
            return switch (this) {
                case MODINFO -> new Modinfo();
                case DEPMOD -> new DepmodTool();
                case MODPROBE -> new ModprobeTool();
                case INSMOD -> new InsmodTool();
                case RMMOD -> new RmmodTool();
                case LSMOD -> new LsmodTool();
                case KERNEL -> new KernelTool();
                case CHECK -> new CheckTool();
                case KMOD -> new KmodTool();
                case DEPS -> new DepsTool();
                case GRAPH -> new GraphTool();
                case EXPLORE -> new ExploreTool();
                case COMPLETION -> new CompletionTool();
                case MAN -> new ManTool();
            };
        }
    }

    /** Every tool's name, with what it does in a line. */
    static final Map<String, String> TOOLS = new TreeMap<>();

    static {
        for (Kind k : Kind.values()) {
            TOOLS.put(k.name().toLowerCase(Locale.ROOT), k.about);
        }
    }

    /**
     * A new tool of one of the names {@link #TOOLS} lists. Found by a walk of the constants, not
     * {@code Kind.valueOf}, whose first call reflects on the enum for its constants.
     */
    static Tool make(String name) {
        for (Kind k : Kind.values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k.make();
            }
        }
        throw new IllegalArgumentException("no tool " + name);
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
