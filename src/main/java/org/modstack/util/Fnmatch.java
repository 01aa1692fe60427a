package org.modstack.util;

/**
 * Shell wildcard matching with the semantics of glibc's {@code fnmatch(pattern, string, 0)},
 * which kmod uses for alias patterns: {@code *} and {@code ?} match any characters, {@code /}
 * and leading dots included; {@code [...]} brackets with {@code !} or {@code ^} negation,
 * ranges and {@code [:class:]} names; a backslash quotes the next character; a {@code [} with
 * no closing {@code ]} is an ordinary character.
 */
public final class Fnmatch {
    private Fnmatch() {
    }

    /** Whether {@code string} matches {@code pattern}. */
    public static boolean matches(String pattern, String string) {
        return match(pattern, 0, string, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (match(p, pi, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si == s.length()) {
                        return false;
                    }
                    pi++;
                    si++;
                }
                case '[' -> {
                    int end = bracketEnd(p, pi);
                    if (end < 0) {
                        if (si == s.length() || s.charAt(si) != '[') {
                            return false;
                        }
                        pi++;
                        si++;
                    } else {
                        if (si == s.length() || !bracketMatches(p, pi + 1, end, s.charAt(si))) {
                            return false;
                        }
                        pi = end + 1;
                        si++;
                    }
                }
                default -> {
                    if (c == '\\' && pi + 1 < p.length()) {
                        pi++;
                        c = p.charAt(pi);
                    }
                    if (si == s.length() || s.charAt(si) != c) {
                        return false;
                    }
                    pi++;
                    si++;
                }
            }
        }
        return si == s.length();
    }

    /** The index of the {@code ]} closing the bracket opened at {@code open}, or -1. */
    private static int bracketEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                i += 2;
            } else if (c == '[' && i + 1 < p.length() && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                i = close < 0 ? i + 1 : close + 2;
            } else if (c == ']') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static boolean bracketMatches(String p, int from, int end, char ch) {
        boolean negate = p.charAt(from) == '!' || p.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean matched = false;
        boolean first = true;
        while (i < end) {
            char c = p.charAt(i);
            if (c == '[' && i + 1 < end && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close >= 0 && close < end) {
                    matched |= inClass(p.substring(i + 2, close), ch);
                    i = close + 2;
                    first = false;
                    continue;
                }
            }
            if (c == ']' && !first) {
                break;
            }
            first = false;
            if (c == '\\' && i + 1 < end) {
                c = p.charAt(++i);
            }
            if (i + 2 < end && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                char hi = p.charAt(i + 2);
                int next = i + 3;
                if (hi == '\\' && i + 3 < end) {
                    hi = p.charAt(i + 3);
                    next++;
                }
                matched |= c <= ch && ch <= hi;
                i = next;
            } else {
                matched |= c == ch;
                i++;
            }
        }
        return matched != negate;
    }

    private static boolean inClass(String name, char ch) {
        return switch (name) {
            case "alnum" -> Character.isLetterOrDigit(ch) && ch < 128;
            case "alpha" -> Character.isLetter(ch) && ch < 128;
            case "digit" -> ch >= '0' && ch <= '9';
            case "xdigit" -> Character.digit(ch, 16) >= 0 && ch < 128;
            case "lower" -> ch >= 'a' && ch <= 'z';
            case "upper" -> ch >= 'A' && ch <= 'Z';
            case "space" -> ch == ' ' || (ch >= '\t' && ch <= '\r');
            case "blank" -> ch == ' ' || ch == '\t';
            case "punct" -> ch > 32 && ch < 127 && !Character.isLetterOrDigit(ch);
            case "print" -> ch >= 32 && ch < 127;
            case "graph" -> ch > 32 && ch < 127;
            case "cntrl" -> ch < 32 || ch == 127;
            default -> false;
        };
    }
}
