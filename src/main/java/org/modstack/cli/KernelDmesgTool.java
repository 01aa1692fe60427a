package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;

/** {@code kernel dmesg}: the virtual kernel's log. */
final class KernelDmesgTool extends KernelSubcommand {
    private boolean clear;

    @Override
    String usage() {
        return "dmesg [options]";
    }

    @Override
    String about() {
        return "\tprints the virtual kernel's log\n";
    }

    @Override
    String optionsHelp() {
        return "\t-c, --read-clear   clear the log after printing it\n";
    }

    @Override
    List<Getopt.Spec> extraOptions() {
        return List.of(Getopt.Spec.flag('c', "read-clear"));
    }

    @Override
    void applyExtra(Getopt.Option option) {
        clear = true;
    }

    @Override
    boolean takes(int count) {
        return count == 0;
    }

    @Override
    int act(ToolOutput io, List<String> operands) throws ErrnoException {
        try (KernelStore s = clear ? kernel.open() : kernel.read()) {
            s.kernel().state().log().forEach(l -> io.print(l + "\n"));
            if (clear) {
                s.kernel().state().clearLog();
                s.save();
            }
        }
        return 0;
    }
}
