package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.LoadedModule;
import org.modstack.modprobe.KernelState;

/** {@code lsmod}: the (virtual) kernel's modules as kmod's lsmod prints them. */
final class LsmodTool implements Tool {

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        KernelChoice kernel = new KernelChoice();
        List<String> rest = args;
        if (!args.isEmpty() && args.get(0).startsWith("--kernel=")) {
            kernel.set(args.get(0).substring("--kernel=".length()));
            rest = args.subList(1, args.size());
        }
        if (!rest.isEmpty()) {
            io.printErr("Usage: " + io.tool() + "\n");
            return 1;
        }
        try (KernelStore store = kernel.open()) {
            KernelState state = store.kernel().asKernelState(io::error);
            io.print("Module                  Size  Used by\n");
            for (LoadedModule m : store.kernel().state().modules()) {
                io.print(String.format("%-19s %8d  %d", m.name(), m.size(), state.refcnt(m.name())));
                List<String> holders = state.holders(m.name());
                if (!holders.isEmpty()) {
                    io.print(" " + String.join(",", holders));
                }
                io.print("\n");
            }
        }
        return 0;
    }
}
