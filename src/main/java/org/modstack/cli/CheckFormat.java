package org.modstack.cli;

import java.util.List;
import org.modstack.kernel.check.StackModule;
import org.modstack.kernel.check.Verdict;

/** How {@code modstack check} prints its verdicts. */
enum CheckFormat {
    TABLE, JSON, SARIF;

    /** The report of {@code verdicts} (of {@code stack} on {@code kernels}) in this format. */
    String render(List<StackModule> stack, List<String> kernels, List<Verdict> verdicts, List<String> inputErrors) {
        return switch (this) {
            case TABLE -> CheckTable.render(stack, kernels, verdicts);
            case JSON -> CheckJson.render(kernels, verdicts, inputErrors);
            case SARIF -> CheckSarif.render(verdicts, inputErrors);
        };
    }
}
