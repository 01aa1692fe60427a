package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;

/** {@code kernel dmesg}: the virtual kernel's log. */
final class KernelDmesgTool extends KernelSubcommand {
    @Override
    String help() {
        return "Usage: modstack kernel dmesg [--kernel=DIR]\n\tprints the virtual kernel's log\n";
    }

    @Override
    boolean takes(int count) {
        return count == 0;
    }

    @Override
    int act(ToolOutput io, List<String> operands) throws ErrnoException {
        try (KernelStore s = kernel.open()) {
            s.kernel().state().log().forEach(l -> io.print(l + "\n"));
        }
        return 0;
    }
}
