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
     * The tools, each named by its constant in lower case, with what it does in a line. Each
     * makes its tool in a method of its own, not through a constructor reference: linking
     * fourteen of those cost every command's start several milliseconds, for the one tool it ran.
     */
    private enum Kind {
        MODINFO("show information about kernel modules") {
            @Override
            Tool make() {
                return new Modinfo();
            }
        },
        DEPMOD("write a module tree's dependency and alias indexes") {
            @Override
            Tool make() {
                return new DepmodTool();
            }
        },
        MODPROBE("load or remove a module with its whole stack") {
            @Override
            Tool make() {
                return new ModprobeTool();
            }
        },
        INSMOD("insert one module file") {
            @Override
            Tool make() {
                return new InsmodTool();
            }
        },
        RMMOD("remove modules") {
            @Override
            Tool make() {
                return new RmmodTool();
            }
        },
        LSMOD("list the loaded modules") {
            @Override
            Tool make() {
                return new LsmodTool();
            }
        },
        KERNEL("boot and inspect a virtual kernel (modstack's own)") {
            @Override
            Tool make() {
                return new KernelTool();
            }
        },
        CHECK("will these modules load on those kernels, and if not, why") {
            @Override
            Tool make() {
                return new CheckTool();
            }
        },
        KMOD("kmod's multi-call name: list, static-nodes, help") {
            @Override
            Tool make() {
                return new KmodTool();
            }
        },
        DEPS("a module tree's direct dependencies (hard and soft), as text or JSON") {
            @Override
            Tool make() {
                return new DepsTool();
            }
        },
        GRAPH("draw a stack: DOT, SVG, PNG (Graphviz) or JSON") {
            @Override
            Tool make() {
                return new GraphTool();
            }
        },
        EXPLORE("write a browsable HTML page of a tree or a virtual kernel") {
            @Override
            Tool make() {
                return new ExploreTool();
            }
        },
        COMPLETION("print a shell's completion script: bash, zsh or fish") {
            @Override
            Tool make() {
                return new CompletionTool();
            }
        },
        MAN("print a tool's manual page (roff, for man -l)") {
            @Override
            Tool make() {
                return new ManTool();
            }
        };

        private final String about;

        Kind(String about) {
            this.about = about;
        }

        abstract Tool make();
    }

    /** Every tool's name, with what it does in a line. */
    static final Map<String, String> TOOLS = new TreeMap<>();

    static {
        for (Kind k : Kind.values()) {
            TOOLS.put(k.name().toLowerCase(Locale.ROOT), k.about);
        }
    }

    /** A new tool of one of the names {@link #TOOLS} lists. */
    static Tool make(String name) {
        return Kind.valueOf(name.toUpperCase(Locale.ROOT)).make();
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
