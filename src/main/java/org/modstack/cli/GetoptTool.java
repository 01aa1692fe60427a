package org.modstack.cli;

import java.util.List;
import java.util.Optional;
import org.modstack.ErrnoException;
import org.modstack.index.KmodVersion;

/**
 * A tool whose options are parsed as kmod's: options act in command-line order, {@code -h}
 * and {@code -V} end the run when reached, and a bad option is reported in getopt's words
 * after the options before it have acted. Public for the harness's commands in
 * {@code cli.debug}; the tools themselves are this package's.
 */
public abstract class GetoptTool implements Tool {

    /** The tool's options; {@code h} and {@code V} are handled here. */
    protected abstract Getopt options();

    /** The {@code -h} text, {@code %s} standing for the tool's name. */
    protected abstract String help();

    /** Applies one option; returns an exit status to end the run with, or null to go on. */
    protected abstract Integer apply(ToolOutput io, Getopt.Option option);

    /** Does the work once every option has been applied. */
    protected abstract int operate(ToolOutput io, List<String> operands) throws ErrnoException;

    /** The release {@code --kmod-version} names, or empty after saying it names none. */
    static Optional<KmodVersion> kmodVersion(ToolOutput io, String value) {
        Optional<KmodVersion> named = KmodVersion.named(value);
        if (named.isEmpty()) {
            io.error("unknown kmod version " + value + ": use 30 or 34\n");
        }
        return named;
    }

    /** The exit status of a bad option: 1 as kmod's tools; a tool with its own convention overrides it. */
    protected int usageStatus() {
        return 1;
    }

    /** The arguments as getopt is to see them (a tool with an unusual operand may reorder them). */
    protected List<String> arguments(List<String> args) {
        return args;
    }

    @Override
    public final int run(ToolOutput io, List<String> args) throws ErrnoException {
        Getopt.Result parsed;
        try {
            parsed = options().parse(arguments(args));
        } catch (Getopt.UsageException e) {
            Integer early = applyAll(io, e.before());
            if (early != null) {
                return early;
            }
            io.printErr(io.tool() + ": " + e.getMessage() + "\n");
            return usageStatus();
        }
        Integer early = applyAll(io, parsed.options());
        return early != null ? early : operate(io, parsed.operands());
    }

    private Integer applyAll(ToolOutput io, List<Getopt.Option> options) {
        for (Getopt.Option o : options) {
            Integer status = switch (o.key()) {
                case "h" -> {
                    io.print(help().replace("%s", io.tool()));
                    yield 0;
                }
                case "V" -> {
                    io.print(Main.VERSION);
                    yield 0;
                }
                default -> apply(io, o);
            };
            if (status != null) {
                return status;
            }
        }
        return null;
    }
}
