package org.modstack.modprobe;

import org.modstack.util.Mirrors;

/**
 * The kernel command line as libkmod reads it for module options: words
 * {@code module.param[=value]} separated by blanks. A value may hold blanks inside double
 * quotes; a word may also be quoted whole ({@code "module.param=a b"}, as boot loaders pass it),
 * and is then re-quoted as {@code param="a b"}. Any other quote, a second {@code .} before the
 * {@code =}, or a {@code =} before the {@code .} makes the word ignored. Nothing is normalized
 * here; an unterminated quoted value at the end is dropped.
 */
final class KernelCmdline {
    private KernelCmdline() {
    }

    /** libkmod reads at most this many bytes of {@code /proc/cmdline} (its buffer, less the NUL). */
    static final int MAX_LENGTH = 4095;

    /** Receives each complete word: its module name, its {@code param[=value]} and its value or null. */
    interface Sink {
        void accept(String module, String param, String value);
    }

    private enum State { IGNORE, MODNAME, PARAM, VALUE, COMPLETE }

    /** Parses {@code cmdline} (one char per byte; cut at {@link #MAX_LENGTH} chars or a NUL). */
    @Mirrors("kmod-30/libkmod/libkmod-config.c kmod_config_parse_kcmdline")
    static void parse(String cmdline, Sink sink) {
        int n = Math.min(cmdline.length(), MAX_LENGTH);
        char[] buf = new char[n + 1];
        cmdline.getChars(0, n, buf, 0);
        buf[n] = '\0';

        State state = State.MODNAME;
        int modname = 0;
        int param = -1;
        int value = -1;
        int quoteStart = -1;
        boolean quoted = false;
        boolean more = true;
        for (int p = 0; more; p++) {
            char c = buf[p];
            switch (c) {
                case '"' -> {
                    quoted = !quoted;
                    // a quote may only open a word; anywhere else but in a value it spoils the word
                    if (quoted && state == State.MODNAME && p == modname) {
                        quoteStart = p;
                        modname = p + 1;
                    } else if (state != State.VALUE) {
                        state = State.IGNORE;
                    }
                }
                case '\0', ' ', '\n', '\t', '\u000b', '\f', '\r' -> {
                    if (c == '\0') {
                        more = false;
                    }
                    if (quoted && state == State.VALUE) {
                        // a blank inside a quoted value
                    } else if (quoted) {
                        state = State.IGNORE;
                    } else if (state == State.VALUE || state == State.PARAM) {
                        buf[p] = '\0';
                        state = State.COMPLETE;
                    } else {
                        modname = p + 1;
                        state = State.MODNAME;
                        quoteStart = -1;
                    }
                }
                case '.' -> {
                    if (state == State.MODNAME) {
                        buf[p] = '\0';
                        param = p + 1;
                        state = State.PARAM;
                    } else if (state == State.PARAM) {
                        state = State.IGNORE;
                    }
                }
                case '=' -> {
                    if (state == State.PARAM) {
                        value = p + 1;  // the value stays part of param's string
                        state = State.VALUE;
                    } else if (state == State.MODNAME) {
                        state = State.IGNORE;
                    }
                }
                default -> {
                }
            }
            if (state == State.COMPLETE) {
                if (quoteStart >= 0 && quoteStart < modname && value > modname) {
                    // "mod.param=a b" -> mod\0param="a b": shift name and param left over the
                    // opening quote and put a quote back in front of the value
                    System.arraycopy(buf, modname, buf, quoteStart, value - modname);
                    value--;
                    modname--;
                    param--;
                    buf[value] = '"';
                }
                sink.accept(string(buf, modname), string(buf, param), value > param ? string(buf, value) : null);
                modname = p + 1;
                state = State.MODNAME;
                quoteStart = -1;
            }
        }
    }

    private static String string(char[] buf, int from) {
        int end = from;
        while (buf[end] != '\0') {
            end++;
        }
        return new String(buf, from, end - from);
    }
}
