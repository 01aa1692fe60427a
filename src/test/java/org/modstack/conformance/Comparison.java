package org.modstack.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** Byte-for-byte comparison of two runs, failing with the first difference in view. */
final class Comparison {
    private Comparison() {
    }

    static void assertSame(String what, Kmod.Run kmod, Kmod.Run ours) {
        StringBuilder problems = new StringBuilder();
        diff(problems, "stdout", kmod.outText(), ours.outText());
        diff(problems, "stderr", kmod.errText(), ours.errText());
        if (kmod.status() != ours.status()) {
            problems.append("exit status: kmod ").append(kmod.status()).append(", modstack ")
                    .append(ours.status()).append('\n');
        }
        if (problems.length() > 0) {
            fail(what + " differs from kmod:\n" + problems);
        }
    }

    /** The same file names with the same bytes. */
    static void assertSameFiles(String what, Map<String, byte[]> kmod, Map<String, byte[]> ours) {
        StringBuilder problems = new StringBuilder();
        if (!kmod.keySet().equals(ours.keySet())) {
            problems.append("files written: kmod ").append(kmod.keySet()).append(", modstack ").append(ours.keySet())
                    .append('\n');
        }
        for (Map.Entry<String, byte[]> e : kmod.entrySet()) {
            byte[] mine = ours.get(e.getKey());
            if (mine != null && !Arrays.equals(e.getValue(), mine)) {
                String k = new String(e.getValue(), StandardCharsets.ISO_8859_1);
                String m = new String(mine, StandardCharsets.ISO_8859_1);
                diff(problems, e.getKey(), k, m);
            }
        }
        if (problems.length() > 0) {
            fail(what + ": files differ from kmod's:\n" + problems);
        }
    }

    private static void diff(StringBuilder sb, String stream, String expected, String actual) {
        if (expected.equals(actual)) {
            return;
        }
        int i = 0;
        while (i < expected.length() && i < actual.length() && expected.charAt(i) == actual.charAt(i)) {
            i++;
        }
        int lineStart = Math.max(expected.lastIndexOf('\n', Math.max(0, i - 1)), 0);
        sb.append(stream).append(" differs at byte ").append(i).append(" (of ").append(expected.length())
          .append(" / ").append(actual.length()).append(")\n  kmod:     ")
          .append(excerpt(expected, lineStart)).append("\n  modstack: ").append(excerpt(actual, lineStart))
          .append('\n');
    }

    private static String excerpt(String s, int from) {
        int end = Math.min(s.length(), from + 300);
        return s.substring(Math.min(from, s.length()), end).replace("\n", "\\n").replace("\0", "\\0");
    }
}
