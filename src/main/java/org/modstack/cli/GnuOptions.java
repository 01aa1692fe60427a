package org.modstack.cli;

import picocli.CommandLine;

/**
 * Makes picocli parse like glibc's {@code getopt_long}, which kmod's tools use: options and
 * operands may be mixed, short options cluster, long options may be abbreviated, and a bad
 * option is reported in getopt's words before the tool exits with status 1.
 */
final class GnuOptions {
    private GnuOptions() {
    }

    static void configure(CommandLine cmd, ToolOutput io) {
        cmd.setPosixClusteredShortOptionsAllowed(true)
           .setAbbreviatedOptionsAllowed(true)
           .setStopAtPositional(false)
           .setOverwrittenOptionsAllowed(true)
           .setUnmatchedOptionsAllowedAsOptionParameters(false)
           .setOut(new java.io.PrintWriter(io.out(), true))
           .setErr(new java.io.PrintWriter(io.err(), true))
           .setParameterExceptionHandler((ex, args) -> {
               io.err().print(getoptMessage(io.tool(), ex));
               io.flush();
               return 1;
           });
    }

    private static String getoptMessage(String tool, CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("--")) {
                return tool + ": unrecognized option '" + arg + "'\n";
            }
            char c = arg.length() > 1 ? arg.charAt(1) : '-';
            return tool + ": invalid option -- '" + c + "'\n";
        }
        if (ex instanceof CommandLine.MissingParameterException m && m.getMissing() != null
                && !m.getMissing().isEmpty() && m.getMissing().get(0).isOption()) {
            CommandLine.Model.OptionSpec o = (CommandLine.Model.OptionSpec) m.getMissing().get(0);
            String shortName = o.shortestName();
            if (shortName.length() == 2) {
                return tool + ": option requires an argument -- '" + shortName.charAt(1) + "'\n";
            }
            return tool + ": option '" + o.longestName() + "' requires an argument\n";
        }
        return tool + ": " + ex.getMessage() + "\n";
    }
}
