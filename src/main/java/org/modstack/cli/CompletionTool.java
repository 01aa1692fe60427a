package org.modstack.cli;

import java.util.List;

/** {@code modstack completion bash|zsh|fish}: the shell's completion script, on standard output. */
final class CompletionTool extends OperandsOnlyTool {
    @Override
    protected String help() {
        return "Usage: modstack completion bash|zsh|fish\n"
                + "\tprints the shell's completion script for modstack, e.g.\n"
                + "\tsource <(modstack completion bash); scripts/install-shell-support installs all three\n"
                + "Options:\n\t-h, --help        show this help\n";
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) {
        String shell = operands.size() == 1 ? operands.get(0) : "";
        String script = switch (shell) {
            case "bash" -> CompletionScripts.bash();
            case "zsh" -> CompletionScripts.zsh();
            case "fish" -> CompletionScripts.fish();
            default -> null;
        };
        if (script == null) {
            io.printErr("Usage: modstack completion bash|zsh|fish\n");
            return 1;
        }
        io.print(script);
        return 0;
    }
}
