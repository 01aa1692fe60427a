package org.modstack.cli;

import java.util.ArrayList;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelStore;

/** {@code kernel init MODULE RESULT}: scripts what a module's init returns (0 or a negative errno). */
final class KernelInitTool extends KernelSubcommand {
    @Override
    String usage() {
        return "init [options] MODULE RESULT";
    }

    @Override
    String about() {
        return "\tscripts what MODULE's init returns: RESULT is 0, or a negative errno (e.g. -19)\n";
    }

    /** A negative number is RESULT, not a cluster of options, as {@code kill -9} reads it. */
    @Override
    protected List<String> arguments(List<String> args) {
        List<String> options = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        for (String a : args) {
            (a.matches("-[0-9]+") ? numbers : options).add(a);
        }
        if (!numbers.isEmpty() && !options.contains("--")) {
            options.add("--");
        }
        options.addAll(numbers);
        return options;
    }

    @Override
    boolean takes(int count) {
        return count == 2;
    }

    @Override
    int act(ToolOutput io, List<String> operands) throws ErrnoException {
        if (!operands.get(1).matches("0|-[0-9]+")) {
            io.printErr("Usage: modstack kernel " + usage() + "\n");
            return 1;
        }
        int result = Integer.parseInt(operands.get(1));
        if (result != 0 && Errno.ofNumber(-result).isEmpty()) {
            io.error("init result " + result + ": not an errno modstack knows\n");
            return 1;
        }
        try (KernelStore s = kernel.open()) {
            s.kernel().scriptInit(operands.get(0), result);
            s.save();
        }
        return 0;
    }
}
