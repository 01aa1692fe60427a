package org.modstack.cli;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.KernelState;
import org.modstack.module.ModuleName;

/** {@code rmmod}: removes modules from the (virtual) kernel, refusing one in use as kmod's does. */
final class RmmodTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(Getopt.Spec.flag('f', "force"),
            Getopt.Spec.flag('s', "syslog"), Getopt.Spec.flag('v', "verbose"), Getopt.Spec.flag('V', "version"),
            Getopt.Spec.flag('w', null), Getopt.Spec.flag('h', "help"), KernelChoice.OPTION));

    private final KernelChoice kernel = new KernelChoice();
    private boolean force;

    @Override
    Getopt options() {
        return OPTIONS;
    }

    @Override
    String help() {
        return "Usage:\n\t%s [options] modulename ...\nOptions:\n"
                + "\t-f, --force       forces a module unload and may crash your\n"
                + "\t                  machine. This requires Forced Module Removal\n"
                + "\t                  option in your kernel. DANGEROUS\n"
                + "\t-s, --syslog      print to syslog, not stderr\n"
                + "\t-v, --verbose     enables more messages\n"
                + "\t-V, --version     show version\n"
                + "\t-h, --help        show this help\n";
    }

    @Override
    Integer apply(ToolOutput io, Getopt.Option o) {
        switch (o.key()) {
            case "f" -> force = true;
            case "kernel" -> kernel.set(o.value());
            default -> { }
        }
        return null;
    }

    @Override
    int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (operands.isEmpty()) {
            io.error("missing module name.\n");
            return 1;
        }
        int failures = 0;
        try (KernelStore store = kernel.open()) {
            VirtualKernel k = store.kernel();
            for (String arg : operands) {
                String name = Files.exists(io.resolve(arg)) ? ModuleName.fromPath(arg) : ModuleName.normalize(arg);
                if (!force && !notInUse(io, k, name)) {
                    failures++;
                    continue;
                }
                Optional<Errno> err = remove(io, k, name, force);
                if (err.isPresent()) {
                    io.error("could not remove module " + arg + ": " + err.get().message() + "\n");
                    failures++;
                }
            }
            store.save();
        }
        return failures == 0 ? 0 : 1;
    }

    /**
     * kmod_module_remove_module: delete_module with O_NONBLOCK (and O_TRUNC when forced); a
     * failure is logged by libkmod, with the source position Debian's debug build of kmod 30 adds.
     */
    static Optional<Errno> remove(ToolOutput io, VirtualKernel k, String name, boolean force) {
        Optional<Errno> err = k.delete(name, VirtualKernel.O_NONBLOCK | (force ? VirtualKernel.O_TRUNC : 0));
        err.ifPresent(e -> io.error("../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove '"
                + name + "': " + e.message() + "\n"));
        return err;
    }

    /** rmmod's check_module_inuse. */
    private static boolean notInUse(ToolOutput io, VirtualKernel k, String name) {
        KernelState state = k.asKernelState();
        if (k.description().isBuiltin(name)) {
            io.error("Module " + name + " is builtin.\n");
            return false;
        }
        if (state.initState(name) == KernelState.InitState.NOT_LOADED) {
            io.error("Module " + name + " is not currently loaded\n");
            return false;
        }
        List<String> holders = state.holders(name);
        if (!holders.isEmpty()) {
            io.error("Module " + name + " is in use by:" + holders.stream().map(h -> " " + h).reduce("", String::concat)
                    + "\n");
            return false;
        }
        int refcnt = state.refcnt(name);
        if (refcnt > 0) {
            io.error("Module " + name + " is in use\n");
            return false;
        }
        return true;
    }
}
