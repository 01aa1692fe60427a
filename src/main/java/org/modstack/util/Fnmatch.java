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
        return match(pattern, string);
    }

    /**
     * Every element but {@code *} matches one character, so one backtracking point is enough:
     * on a mismatch, the last {@code *} takes one character more.
     */
    private static boolean match(CharSequence p, String s) {
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = -1;
        while (si < s.length() || (pi < p.length() && p.charAt(pi) == '*')) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                starP = pi;
                starS = si;
                continue;
            }
            int next = pi < p.length() ? step(p, pi, s.charAt(si)) : -1;
            if (next >= 0) {
                pi = next;
                si++;
            } else if (starP >= 0) {
                pi = starP;
                si = ++starS;
            } else {
                return false;
            }
        }
        return pi == p.length();
    }

    /** Where the element at {@code pi} ends when it matches {@code ch}, or -1. */
    private static int step(CharSequence p, int pi, char ch) {
        char c = p.charAt(pi);
        if (c == '?') {
            return pi + 1;
        }
        if (c == '[') {
            int end = bracketEnd(p, pi);
            if (end >= 0) {
                return bracketMatches(p, pi + 1, end, ch) ? end + 1 : -1;
            }
        } else if (c == '\\' && pi + 1 < p.length()) {
            return p.charAt(pi + 1) == ch ? pi + 2 : -1;
        }
        return c == ch ? pi + 1 : -1;
    }

    /** The index of the {@code ]} closing the bracket opened at {@code open}, or -1. */
    private static int bracketEnd(CharSequence p, int open) {
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
                int close = classEnd(p, i + 2);
                i = close < 0 ? i + 1 : close + 2;
            } else if (c == ']') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static boolean bracketMatches(CharSequence p, int from, int end, char ch) {
        boolean negate = p.charAt(from) == '!' || p.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean matched = false;
        boolean first = true;
        while (i < end) {
            char c = p.charAt(i);
            if (c == '[' && i + 1 < end && p.charAt(i + 1) == ':') {
                int close = classEnd(p, i + 2);
                if (close >= 0 && close < end) {
                    matched |= inClass(p.subSequence(i + 2, close).toString(), ch);
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

    /** Where the {@code :]} ending a class name at or after {@code from} begins, or -1. */
    private static int classEnd(CharSequence p, int from) {
        for (int i = from; i + 1 < p.length(); i++) {
            if (p.charAt(i) == ':' && p.charAt(i + 1) == ']') {
                return i;
            }
        }
        return -1;
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

    /**
     * How far into a subject a pattern read piece by piece can have matched, for pruning
     * patterns that share a beginning (an index's subtree): bit {@code i} set when the pattern
     * so far matches the subject's first {@code i} characters. Once the pattern holds a bracket
     * or a backslash, which a piece may cut in two, it is {@linkplain #unknown() unknown} and the
     * whole pattern is matched at the end with {@link #matches}.
     */
    public static final class Reach {
        private final String subject;
        /** Where in the subject the pattern starts to be matched. */
        private final int from;
        /** For each ASCII character c, the bits i + 1 where the subject's character i is c; made on first use. */
        private final long[][] after;
        private final long[] bits;

        private Reach(String subject, int from, long[][] after, long[] bits) {
            this.subject = subject;
            this.from = from;
            this.after = after;
            this.bits = bits;
        }

        /** Nothing of the pattern read yet: only the empty beginning of {@code subject} matched. */
        public static Reach start(String subject) {
            long[] bits = new long[(subject.length() >> 6) + 1];
            bits[0] = 1;
            return new Reach(subject, 0, new long[128][], bits);
        }

        /** Nothing of a pattern read yet, to be matched against the subject's end from {@code i} on. */
        public Reach from(int i) {
            long[] b = new long[(subject.length() >> 6) + 1];
            b[i >> 6] = 1L << i;
            return new Reach(subject, i, after, b);
        }

        /** Whether the pattern so far holds a bracket or a backslash. */
        public boolean unknown() {
            return bits == null;
        }

        /** Whether no pattern beginning with the one read so far can match the subject. */
        public boolean impossible() {
            return bits != null && first(bits) < 0;
        }

        /** Whether the whole {@code pattern}, read so far, matches the subject. */
        public boolean matchesAll(CharSequence pattern) {
            if (bits == null) {
                return matches(pattern.toString(), subject.substring(from));
            }
            int n = subject.length();
            return (bits[n >> 6] & 1L << n) != 0;
        }

        /** The reach once {@code piece}'s characters {@code start} to {@code end} are read too. */
        public Reach then(CharSequence piece, int start, int end) {
            if (bits == null || start == end) {
                return this;
            }
            long[] next = bits.clone();
            for (int i = start; i < end; i++) {
                char c = piece.charAt(i);
                if (c == '[' || c == '\\') {
                    return new Reach(subject, from, after, null);
                }
                step(next, c);
            }
            return new Reach(subject, from, after, next);
        }

        /** Advances {@code b} over one element, {@code c}: {@code *}, {@code ?} or a literal. */
        private void step(long[] b, char c) {
            int n = subject.length();
            long end = -1L >>> (63 - (n & 63));  // the last word's bits up to the subject's end
            if (c == '*') {
                int first = first(b);
                for (int w = Math.max(first, 0) >> 6; first >= 0 && w < b.length; w++) {
                    b[w] = w == first >> 6 ? -1L << first : -1L;
                }
                b[b.length - 1] &= end;
                return;
            }
            long[] mask = c == '?' ? null : mask(c);
            long carry = 0;
            for (int w = 0; w < b.length; w++) {
                long shifted = b[w] << 1 | carry;
                carry = b[w] >>> 63;
                b[w] = c == '?' ? shifted : shifted & mask[w];
            }
            b[b.length - 1] &= end;
        }

        private long[] mask(char c) {
            if (c >= 128) {
                return positionsAfter(c);
            }
            if (after[c] == null) {
                after[c] = positionsAfter(c);
            }
            return after[c];
        }

        private long[] positionsAfter(char c) {
            long[] m = new long[(subject.length() >> 6) + 1];
            for (int i = subject.indexOf(c); i >= 0; i = subject.indexOf(c, i + 1)) {
                m[(i + 1) >> 6] |= 1L << (i + 1);
            }
            return m;
        }

        private static int first(long[] b) {
            for (int w = 0; w < b.length; w++) {
                if (b[w] != 0) {
                    return (w << 6) + Long.numberOfTrailingZeros(b[w]);
                }
            }
            return -1;
        }
    }
}
