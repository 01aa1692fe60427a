package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.kernel.EmbeddedKernel;

/** {@code kernel tree DIR}: the default carried kernel's files, to add modules and run depmod there. */
final class KernelTreeTool extends KernelSubcommand {
    @Override
    String usage() {
        return "tree DIR";
    }

    @Override
    String about() {
        return "\twrites the default carried kernel's files (" + EmbeddedKernel.DEFAULT.version()
                + ") under DIR and prints its release\n";
    }

    @Override
    boolean takes(int count) {
        return count == 1;
    }

    @Override
    int act(ToolOutput io, List<String> operands) throws ErrnoException {
        io.print(EmbeddedKernel.writeTree(io.resolve(operands.get(0))) + "\n");
        return 0;
    }
}
