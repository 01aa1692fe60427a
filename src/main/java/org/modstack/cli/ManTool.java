package org.modstack.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.modstack.ErrnoException;

/**
 * {@code modstack man [TOOL]}: a manual page in roff, for {@code man -l -}. Its body is the tool's
 * own {@code --help}, which lists every option (a test holds it to that), so the two never differ.
 */
final class ManTool extends OperandsOnlyTool {
    @Override
    protected String help() {
        return "Usage: modstack man [TOOL]\n"
                + "\tprints modstack's manual page, or TOOL's, in roff: modstack man modprobe | man -l -\n"
                + "Options:\n\t-h, --help        show this help\n";
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (operands.size() > 1 || operands.size() == 1 && !ToolTable.TOOLS.containsKey(operands.get(0))) {
            io.printErr("Usage: modstack man [TOOL]\n");
            return 1;
        }
        if (operands.isEmpty()) {
            io.print(page("modstack", "the Linux kernel's module stacking system, in Java", Main.usage()));
            return 0;
        }
        String tool = operands.get(0);
        StringBuilder body = new StringBuilder(helpOf(tool));
        if (tool.equals("kernel")) {
            for (String sub : KernelTool.names()) {
                body.append('\n').append(helpOf("kernel", sub));
            }
        }
        io.print(page("modstack-" + tool, ToolTable.TOOLS.get(tool), body.toString()));
        return 0;
    }

    private static String helpOf(String... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = Arrays.copyOf(words, words.length + 1);
        args[words.length] = "--help";
        Main.run(out, OutputStream.nullOutputStream(), args);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String page(String name, String about, String body) {
        return ".TH " + name.toUpperCase(Locale.ROOT) + " 8 \"\" \"" + Main.VERSION.lines().findFirst().orElse("")
                + "\" \"modstack\"\n"
                + ".SH NAME\n" + roff(name) + " \\- " + roff(about) + "\n"
                + ".SH DESCRIPTION\n.nf\n" + body.lines().map(ManTool::roffLine).reduce("", (a, l) -> a + l + "\n")
                + ".fi\n"
                + ".SH ENVIRONMENT\n.TP\n.B MODSTACK_KERNEL\nthe virtual kernel's directory when --kernel names none;"
                + " unset, kmod's tools act on the running system\n"
                + ".TP\n.B XDG_CACHE_HOME, XDG_STATE_HOME\nwhere depmod's cache and the default virtual kernel live\n"
                + ".SH SEE ALSO\n.BR kmod (8),\n.BR modprobe (8),\n.BR depmod (8),\n.BR modinfo (8)\n";
    }

    private static String roffLine(String line) {
        String s = roff(line);
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }

    private static String roff(String text) {
        return text.replace("\\", "\\e").replace("-", "\\-");
    }
}
