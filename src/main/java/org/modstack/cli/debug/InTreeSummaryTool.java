package org.modstack.cli.debug;

import java.io.StringWriter;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.cli.Tool;
import org.modstack.cli.ToolOutput;
import org.modstack.kernel.InTreeModules;
import org.modstack.kernel.KernelDescription;

/**
 * {@code modstack kernel in-tree-summary ROOT}: the resources script's command, not a user's. It
 * prints the summary of the in-tree modules of the kernel installed under ROOT that
 * {@code modstack check} carries for that kernel ({@link InTreeModules}).
 */
public final class InTreeSummaryTool implements Tool {

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        String usage = "Usage: modstack kernel in-tree-summary ROOT\n";
        if (args.equals(List.of("--help")) || args.equals(List.of("-h"))) {
            io.print(usage);
            return 0;
        }
        if (args.size() != 1) {
            io.printErr(usage);
            return 1;
        }
        StringWriter out = new StringWriter();
        InTreeModules.write(KernelDescription.fromTree(io.resolve(args.get(0)), null, ""), out);
        io.print(out.toString());
        return 0;
    }
}
