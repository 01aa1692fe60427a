package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.LoadedModule;
import org.modstack.modprobe.KernelState;

/**
 * {@code lsmod}: the (virtual) kernel's modules as kmod's lsmod prints them, or with
 * {@code -J}/{@code --json} as JSON (kmod's lsmod takes no options, so the letter is ours).
 */
final class LsmodTool implements Tool {

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        KernelChoice kernel = new KernelChoice();
        boolean json = false;
        for (String a : args) {
            if (a.startsWith("--kernel=")) {
                kernel.set(a.substring("--kernel=".length()));
            } else if (a.equals("-J") || a.equals("--json")) {
                json = true;
            } else {
                io.printErr("Usage: " + io.tool() + "\n");  // kmod's words; -J is documented in docs/json.md
                return 1;
            }
        }
        try (KernelStore store = kernel.open()) {
            KernelState state = store.kernel().asKernelState(io::error);
            if (json) {
                printJson(io, store, state);
            } else {
                print(io, store, state);
            }
        }
        return 0;
    }

    private static void print(ToolOutput io, KernelStore store, KernelState state) throws ErrnoException {
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

    /** {@code {"modules": [...]}} (schema: {@code docs/schema/lsmod.schema.json}). */
    static void printJson(ToolOutput io, KernelStore store, KernelState state) throws ErrnoException {
        JsonGenerator g = JsonOutput.open(io);
        try {
            g.writeStartObject();
            KernelJson.modules(g, store.kernel(), state);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonOutput.close(g, io);
    }
}
