package org.modstack.cli;

import org.modstack.ErrnoException;

/** A failure whose own words are the message the user gets, as {@code tool: ERROR: <message>}. */
final class ToolFailure extends ErrnoException {
    private static final long serialVersionUID = 1L;

    ToolFailure(ErrnoException cause) {
        super(cause.errno(), cause.describe(), cause);
    }
}
