package org.modstack.cli;

import java.nio.file.Files;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.modprobe.KernelState;

/** {@code insmod}: inserts one module file into the (virtual) kernel, with kmod's messages. */
final class InsmodTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(Getopt.Spec.flag('p', null), Getopt.Spec.flag('s', null),
            Getopt.Spec.flag('f', null), Getopt.Spec.flag('V', "version"), Getopt.Spec.flag('h', "help"),
            KernelChoice.OPTION));

    private final KernelChoice kernel = new KernelChoice();
    private boolean force;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        return "Usage:\n\t%s [options] filename [args]\nOptions:\n"
                + "\t-f                DANGEROUS: forces a module load (ignores modversions\n"
                + "\t                  and vermagic)\n"
                + "\t-p, -s            accepted and ignored, as by kmod's insmod\n"
                + "\t-V, --version     show version\n"
                + "\t-h, --help        show this help\n" + KernelChoice.HELP;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        switch (o.key()) {
            case "f" -> force = true;
            case "kernel" -> kernel.set(o.value());
            default -> { }  // -p and -s: ignored, for compatibility
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (operands.isEmpty()) {
            io.error("missing filename.\n");
            return 1;
        }
        String filename = operands.get(0);
        if (filename.equals("-")) {
            io.error("this tool does not support loading from stdin!\n");
            return 1;
        }
        String options = String.join(" ", operands.subList(1, operands.size()));
        if (!Files.exists(io.resolve(filename))) {
            io.error("could not load module " + filename + ": " + Errno.ENOENT.message() + "\n");
            return 1;
        }
        try (KernelChoice.Session k = kernel.session(io, true)) {
            return insert(io, k.state(), filename, options);
        }
    }

    private int insert(ToolOutput io, KernelState state, String filename, String options) {
        try {
            state.insert(io.resolve(filename), options, force, force);
        } catch (ErrnoException e) {
            io.error("could not insert module " + filename + ": " + KmodMessages.insmodStrerror(e.errno()) + "\n");
            return 1;
        }
        return 0;
    }
}
