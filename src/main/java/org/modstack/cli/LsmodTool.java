package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.modprobe.KernelState;

/** {@code lsmod}: the kernel's modules as kmod's lsmod prints them. */
final class LsmodTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(Getopt.Spec.flag('s', "syslog"),
            Getopt.Spec.flag('v', "verbose"), Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"),
            Getopt.Spec.flag('J', "json"), KernelChoice.OPTION));

    private final KernelChoice kernel = new KernelChoice();
    private boolean json;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return "Usage:\n\t%s [options]\nOptions:\n"
                + "\t-s, --syslog      print to syslog, not stderr\n"
                + "\t-v, --verbose     enables more messages\n"
                + "\t-V, --version     show version\n"
                + "\t-h, --help        show this help\n"
                + "\t-J, --json        the modules as JSON (docs/json.md)\n" + KernelChoice.HELP;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        if (o.key().equals("kernel")) {
            kernel.set(o.value());
        } else if (o.key().equals("J")) {
            json = true;
        }
        return null;  // -s and -v: lsmod logs nothing to redirect or add to
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (!operands.isEmpty()) {
            io.printErr("Usage: " + io.tool() + "\n");
            return 1;
        }
        try (KernelChoice.Session k = kernel.session(io, false)) {
            return json ? printJson(io, k.state()) : print(io, k.state());
        }
    }

    private static int print(ToolOutput io, KernelState state) {
        List<KernelState.Loaded> loaded;
        try {
            loaded = state.loaded();
        } catch (ErrnoException e) {
            io.printErr("libkmod: ERROR ../libkmod/libkmod-module.c:1725 kmod_module_new_from_loaded: could not open "
                    + e.describe() + "\n");
            io.printErr("Error: could not get list of modules: " + e.errno().message() + "\n");
            return 1;
        }
        io.print("Module                  Size  Used by\n");
        for (KernelState.Loaded m : loaded) {
            io.print(line(m.name(), m.size(), refcnt(state, m.name())));
            List<String> holders = state.holders(m.name());
            if (!holders.isEmpty()) {
                io.print(" " + String.join(",", holders));
            }
            io.print("\n");
        }
        return 0;
    }

    /**
     * lsmod's {@code "%-19s %8d  %d"}, padded by hand: {@code String.format} loads the locale's
     * number symbols through its resource bundles, a sixth of an lsmod's run.
     */
    static String line(String name, long size, int refcnt) {
        String bytes = Long.toString(size);
        StringBuilder sb = new StringBuilder(40).append(name);
        sb.append(" ".repeat(Math.max(0, 19 - name.length()))).append(' ');
        sb.append(" ".repeat(Math.max(0, 8 - bytes.length()))).append(bytes);
        return sb.append("  ").append(refcnt).toString();
    }

    /** {@code {"modules": [...]}} (schema: {@code docs/schema/lsmod.schema.json}). */
    static int printJson(ToolOutput io, KernelState state) {
        JsonOutput.object(io, g -> KernelJson.modules(g, state));
        return 0;
    }

    /** kmod_module_get_refcnt's error, printed as a number as lsmod does. */
    private static int refcnt(KernelState state, String name) {
        try {
            return state.refcnt(name);
        } catch (ErrnoException e) {
            return -e.errno().number();
        }
    }
}
