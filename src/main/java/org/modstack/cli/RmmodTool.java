package org.modstack.cli;

import java.nio.file.Files;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.modprobe.KernelState;
import org.modstack.module.ModuleName;

/** {@code rmmod}: removes modules from the (virtual) kernel, refusing one in use as kmod's does. */
final class RmmodTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(Getopt.Spec.flag('f', "force"),
            Getopt.Spec.flag('s', "syslog"), Getopt.Spec.flag('v', "verbose"), Getopt.Spec.flag('V', "version"),
            Getopt.Spec.flag('w', null), Getopt.Spec.flag('h', "help"), KernelChoice.OPTION));

    private final KernelChoice kernel = new KernelChoice();
    private boolean force;
    private boolean syslog;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return "Usage:\n\t%s [options] modulename ...\nOptions:\n"
                + "\t-f, --force       forces a module unload and may crash your\n"
                + "\t                  machine. This requires Forced Module Removal\n"
                + "\t                  option in your kernel. DANGEROUS\n"
                + "\t-s, --syslog      print to syslog, not stderr\n"
                + "\t-v, --verbose     enables more messages\n"
                + "\t-V, --version     show version\n"
                + "\t-w                accepted and ignored, as by kmod's rmmod\n"
                + "\t-h, --help        show this help\n" + KernelChoice.HELP;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        switch (o.key()) {
            case "f" -> force = true;
            case "s" -> syslog = true;
            case "kernel" -> kernel.set(o.value());
            default -> { }
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (syslog) {
            io.toSystemLog();
        }
        if (operands.isEmpty()) {
            io.error("missing module name.\n");
            return 1;
        }
        try (KernelChoice.Session k = kernel.session(io, true)) {
            return removeAll(io, k.state(), operands);
        }
    }

    private int removeAll(ToolOutput io, KernelState state, List<String> operands) {
        int failures = 0;
        for (String arg : operands) {
            String name = Files.exists(io.resolve(arg)) ? ModuleName.fromPath(arg) : ModuleName.normalize(arg);
            if (!force && !notInUse(io, state, name)) {
                failures++;
                continue;
            }
            try {
                state.remove(name, force);
            } catch (ErrnoException e) {
                io.error(KmodMessages.removeFailed(name, e.errno()));
                io.error("could not remove module " + arg + ": " + e.errno().message() + "\n");
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** rmmod's check_module_inuse. */
    private static boolean notInUse(ToolOutput io, KernelState state, String name) {
        if (state.isBuiltin(name)) {
            io.error("Module " + name + " is builtin.\n");
            return false;
        }
        if (state.initState(name) == KernelState.InitState.NOT_LOADED) {
            io.error("Module " + name + " is not currently loaded\n");
            return false;
        }
        List<String> holders = state.holders(name);
        if (!holders.isEmpty()) {
            io.error("Module " + name + " is in use by: " + String.join(" ", holders) + "\n");
            return false;
        }
        if (refcnt(state, name) > 0) {
            io.error("Module " + name + " is in use\n");
            return false;
        }
        return true;
    }

    /** kmod_module_get_refcnt: an unreadable count reads as none in use (libkmod returns an error). */
    private static int refcnt(KernelState state, String name) {
        try {
            return state.refcnt(name);
        } catch (ErrnoException e) {
            return 0;
        }
    }
}
