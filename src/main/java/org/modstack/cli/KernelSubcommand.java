package org.modstack.cli;

import java.util.ArrayList;
import java.util.List;
import org.modstack.ErrnoException;

/**
 * A {@code kernel} subcommand: getopt's rules, {@code --kernel DIR} (or {@code --kernel=DIR})
 * to choose the virtual kernel, {@code -h}, and the operands it takes.
 */
abstract class KernelSubcommand extends GetoptTool {
    final KernelChoice kernel = new KernelChoice();

    /** What follows {@code modstack kernel} in the usage line, e.g. {@code "dmesg [options]"}. */
    abstract String usage();

    /** The lines under the usage line saying what the subcommand does, tab-indented. */
    abstract String about();

    /** The help lines of {@link #extraOptions()}. */
    String optionsHelp() {
        return "";
    }

    @Override
    protected final String help() {
        return "Usage: modstack kernel " + usage() + "\n" + about() + "Options:\n" + optionsHelp()
                + "\t--kernel=DIR      the virtual kernel's directory (default: $MODSTACK_KERNEL,\n"
                + "\t                  else ~/.local/state/modstack/kernel)\n"
                + "\t-h, --help        show this help\n";
    }

    /** The subcommand's own options, besides {@code --kernel} and {@code -h}. */
    List<Getopt.Spec> extraOptions() {
        return List.of();
    }

    /** Applies one of {@link #extraOptions()}. */
    void applyExtra(Getopt.Option option) {
        throw new IllegalStateException(option.key());
    }

    /** Whether {@code count} operands are what the subcommand takes. */
    abstract boolean takes(int count);

    /** The work, once the options are applied and the operands counted. */
    abstract int act(ToolOutput io, List<String> operands) throws ErrnoException;

    @Override
    protected final Getopt options() {
        List<Getopt.Spec> specs = new ArrayList<>(extraOptions());
        specs.add(KernelChoice.OPTION);
        specs.add(Getopt.Spec.flag('h', "help"));
        return new Getopt(specs);
    }

    @Override
    protected final Integer apply(ToolOutput io, Getopt.Option o) {
        if (o.key().equals("kernel")) {
            kernel.set(o.value());
        } else {
            applyExtra(o);
        }
        return null;
    }

    @Override
    protected final int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (!takes(operands.size())) {
            io.printErr("Usage: modstack kernel " + usage() + "\n");
            return 1;
        }
        try {
            return act(io, operands);
        } catch (ToolFailure e) {
            throw e;
        } catch (ErrnoException e) {  // modstack's own command: the failure names its file
            throw new ToolFailure(e);
        }
    }
}
