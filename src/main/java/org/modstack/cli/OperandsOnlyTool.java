package org.modstack.cli;

import java.util.List;

/** A tool whose only option is {@code -h}: everything it needs comes as operands. */
abstract class OperandsOnlyTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(Getopt.Spec.flag('h', "help")));

    @Override
    protected final Getopt options() {
        return OPTIONS;
    }

    @Override
    protected final Integer apply(ToolOutput io, Getopt.Option option) {
        return null;  // -h is GetoptTool's
    }
}
