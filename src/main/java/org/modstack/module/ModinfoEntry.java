package org.modstack.module;

/**
 * One {@code key=value} string of a module's {@code .modinfo} section.
 *
 * @param key the text before the first {@code =}, or the whole string when it has none
 * @param value the text after the first {@code =}; empty when there is none
 */
public record ModinfoEntry(String key, String value) {

    /** Splits one {@code .modinfo} string as libkmod does. */
    public static ModinfoEntry parse(String entry) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
            return new ModinfoEntry(entry, "");
        }
        return new ModinfoEntry(entry.substring(0, eq), entry.substring(eq + 1));
    }
}
