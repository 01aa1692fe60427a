package org.modstack.module;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.modstack.util.CString;

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

    /**
     * The entries of a {@code .modinfo} section whose key is one of {@code keys}, in section
     * order, as {@link #parse} splits each string; only those are decoded.
     */
    static List<ModinfoEntry> pick(ByteBuffer strings, List<String> keys) {
        List<byte[]> wanted = keys.stream().map(CString::bytes).toList();
        List<ModinfoEntry> entries = new ArrayList<>();
        CString.forEachString(strings, (from, end) -> {
            for (int k = 0; k < wanted.size(); k++) {
                int keyEnd = from + wanted.get(k).length;
                // the key, then "=" and the value, or nothing
                if (CString.startsWith(strings, from, end, wanted.get(k))
                        && (keyEnd == end || strings.get(keyEnd) == '=')) {
                    String value = keyEnd == end ? "" : CString.text(strings, keyEnd + 1, end);
                    entries.add(new ModinfoEntry(keys.get(k), value));
                    return;
                }
            }
        });
        return entries;
    }
}
