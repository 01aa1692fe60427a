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
    final Getopt options() {
        List<Getopt.Spec> specs = new ArrayList<>(extraOptions());
        specs.add(KernelChoice.OPTION);
        specs.add(Getopt.Spec.flag('h', "help"));
        return new Getopt(specs);
    }

    @Override
    final Integer apply(ToolOutput io, Getopt.Option o) {
        if (o.key().equals("kernel")) {
            kernel.set(o.value());
        } else {
            applyExtra(o);
        }
        return null;
    }

    @Override
    final int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (!takes(operands.size())) {
            io.printErr(KernelTool.USAGE);
            return 1;
        }
        return act(io, operands);
    }
}
