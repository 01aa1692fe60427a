package org.modstack.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered list of entries, each with an fnmatch pattern, asked for the first entry whose
 * pattern matches a name, as libkmod walks its configuration lists. Most patterns are plain
 * module names: those are found in a map, so a lookup tries only the patterns with wildcards
 * ({@code --show-depends -a} of a whole tree asked each of Debian's 53 softdep lines 14,000 times).
 *
 * @param <T> the entries
 */
public final class FnmatchList<T extends FnmatchList.Entry> {
    /** An entry of the list: what names it applies to is an fnmatch pattern over module names. */
    public interface Entry {
        /** The pattern (in modprobe.d, the line's module field). */
        String module();
    }

    private final List<T> entries;
    private final List<String> patterns;
    /** The index of the first entry of each pattern without wildcards. */
    private final Map<String, Integer> firstLiteral = new HashMap<>();
    /** The indexes of the entries whose pattern has wildcards, in order. */
    private final int[] wildcards;

    public FnmatchList(List<T> entries) {
        this.entries = List.copyOf(entries);
        this.patterns = new ArrayList<>(entries.size());  // a loop, not a stream: it runs once, cold, in every modprobe
        int[] w = new int[entries.size()];
        int n = 0;
        for (int i = 0; i < this.entries.size(); i++) {
            String p = this.entries.get(i).module();
            patterns.add(p);
            if (isLiteral(p)) {
                firstLiteral.putIfAbsent(p, i);
            } else {
                w[n++] = i;
            }
        }
        this.wildcards = Arrays.copyOf(w, n);
    }

    /** The entries, in order. */
    public List<T> entries() {
        return entries;
    }

    /** The first entry whose pattern matches {@code name}. */
    public Optional<T> first(String name) {
        Integer literal = firstLiteral.get(name);
        int before = literal == null ? Integer.MAX_VALUE : literal;
        for (int i : wildcards) {
            if (i > before) {
                break;
            }
            if (Fnmatch.matches(patterns.get(i), name)) {
                return Optional.of(entries.get(i));
            }
        }
        return literal == null ? Optional.empty() : Optional.of(entries.get(literal));
    }

    /** A pattern that matches exactly itself: no wildcard, bracket or quoting backslash. */
    private static boolean isLiteral(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
