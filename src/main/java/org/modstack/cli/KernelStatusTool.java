package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelDescription;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.LoadedModule;
import org.modstack.kernel.Taint;
import org.modstack.kernel.VirtualKernel;

/**
 * {@code kernel status}: what the virtual kernel is and holds (release, command line, taint,
 * modules), the taint spelled as letters with the kernel's names rather than the bare number
 * {@code /proc/sys/kernel/tainted} holds; {@code -J}/{@code --json} for a pipeline.
 */
final class KernelStatusTool extends KernelSubcommand {
    private boolean json;

    @Override
    String usage() {
        return "status [options]";
    }

    @Override
    String about() {
        return "\tprints the virtual kernel's release, command line, taint (letters and names) and modules\n";
    }

    @Override
    String optionsHelp() {
        return "\t-J, --json        the same as JSON (docs/json.md)\n";
    }

    @Override
    List<Getopt.Spec> extraOptions() {
        return List.of(Getopt.Spec.flag('J', "json"));
    }

    @Override
    void applyExtra(Getopt.Option option) {
        json = true;
    }

    @Override
    boolean takes(int count) {
        return count == 0;
    }

    @Override
    int act(ToolOutput io, List<String> operands) throws ErrnoException {
        try (KernelStore s = kernel.read()) {
            if (json) {
                printJson(io, s.kernel());
            } else {
                print(io, s.kernel());
            }
        }
        return 0;
    }

    private static void print(ToolOutput io, VirtualKernel k) {
        KernelDescription d = k.description();
        long mask = k.state().taint();
        io.print("release:  " + d.release() + "\n");
        io.print("cmdline:  " + d.cmdline().strip() + "\n");
        io.print("taint:    " + mask + (mask == 0 ? " (not tainted)" : " (" + KernelJson.letters(mask) + ")") + "\n");
        for (Taint t : Taint.ofMask(mask)) {
            io.print("          " + t.letter() + "  " + t.name() + "\n");
        }
        List<LoadedModule> modules = k.state().modules();
        io.print("modules:  " + modules.size() + "\n");
        for (LoadedModule m : modules) {
            String taint = Taint.moduleLetters(m.taints());
            io.print("          " + m.name() + (taint.isEmpty() ? "" : " (" + taint + ")") + "\n");
        }
    }

    private static void printJson(ToolOutput io, VirtualKernel k) {
        JsonOutput.object(io, g -> KernelJson.status(g, k, k.asKernelState(io::error)));
    }
}
