package org.modstack.cli;

import java.util.List;
import org.modstack.ErrnoException;

/** One of kmod's tools: parses its own arguments and returns its exit status. */
public interface Tool {
    /**
     * Runs the tool.
     *
     * @throws ErrnoException for a failure the tool has no kmod wording for; the caller prints
     *     it as one line
     */
    int run(ToolOutput io, List<String> args) throws ErrnoException;
}
