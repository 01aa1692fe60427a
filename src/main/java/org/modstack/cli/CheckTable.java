package org.modstack.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.modstack.Errno;
import org.modstack.kernel.check.Finding;
import org.modstack.kernel.check.StackModule;
import org.modstack.kernel.check.Verdict;

/**
 * {@code modstack check}'s report for people: a table with the kernels as columns and the
 * modules as rows (each cell: the module's place in the load order, and its verdict), then, per refused module and kernel, what the kernel logged, why and what to
 * change, and what the taint letters mean.
 */
final class CheckTable {
    private CheckTable() {
    }

    static String render(List<StackModule> stack, List<String> kernels, List<Verdict> verdicts) {
        Map<String, Verdict> byCell = new LinkedHashMap<>();
        verdicts.forEach(v -> byCell.put(v.file() + "\0" + v.kernel(), v));
        int width = stack.stream().mapToInt(m -> m.name().length()).max().orElse(6);
        StringBuilder out = new StringBuilder(String.format("%-" + width + "s", "MODULE"));
        kernels.forEach(k -> out.append("  ").append(String.format("%-24s", k)));
        out.append('\n');
        for (StackModule m : stack) {
            out.append(String.format("%-" + width + "s", m.name()));
            for (String k : kernels) {
                Verdict v = byCell.get(m.file() + "\0" + k);
                out.append("  ").append(String.format("%-24s", v == null ? "-" : cell(v)));
            }
            out.append('\n');
        }
        verdicts.forEach(v -> details(v, out));
        legend(verdicts, out);
        return out.toString().replaceAll(" +\n", "\n");
    }

    /** The module's place in the load order, then its verdict: {@code 2: loads, taints OE}. */
    private static String cell(Verdict v) {
        return (v.loadOrder() == 0 ? "-" : Integer.toString(v.loadOrder())) + ": " + switch (v.outcome()) {
            case LOADS -> "loads";
            case TAINTS -> "loads, taints " + v.taints();
            case REFUSED -> "REFUSED (" + v.errno() + ")";
            case DEPENDENCY_REFUSED -> "REFUSED (dependency)";
        };
    }

    private static void details(Verdict v, StringBuilder out) {
        if (v.outcome().loaded()) {
            if (!v.inTreeLoaded().isEmpty()) {
                out.append('\n').append(v.module()).append(" on ").append(v.kernel()).append(": loads after in-tree ")
                        .append(String.join(", ", v.inTreeLoaded())).append('\n');
            }
            return;
        }
        out.append('\n').append(v.module()).append(" on ").append(v.kernel()).append(": refused");
        if (!v.errno().isEmpty()) {
            Errno e = Errno.valueOf(v.errno());
            out.append(" (").append(e.name()).append(", err -").append(e.number()).append(": ").append(e.message())
                    .append(')');
        }
        out.append('\n');
        if (!v.inTreeLoaded().isEmpty()) {
            out.append("  in-tree loaded first: ").append(String.join(", ", v.inTreeLoaded())).append('\n');
        }
        v.kernelLog().forEach(l -> out.append("  kernel: ").append(l).append('\n'));
        for (Finding f : v.findings()) {
            out.append("  why:    ").append(f.explanation()).append('\n');
            out.append("  fix:    ").append(f.fix()).append('\n');
        }
    }

    private static void legend(List<Verdict> verdicts, StringBuilder out) {
        Map<String, String> reasons = new TreeMap<>();
        for (Verdict v : verdicts) {
            for (String r : v.taintReasons()) {
                reasons.putIfAbsent(r.substring(0, 1), r);
            }
        }
        if (!reasons.isEmpty()) {
            out.append("\nTaints:\n");
            reasons.values().forEach(r -> out.append("  ").append(r).append('\n'));
        }
    }
}
