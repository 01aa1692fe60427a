package org.modstack.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A module parameter, merged from its {@code parm=name:description} and
 * {@code parmtype=name:type} entries.
 *
 * @param name the parameter's name
 * @param description the text of its last {@code parm} entry, if any
 * @param type the text of its last {@code parmtype} entry (e.g. {@code int}, {@code charp},
 *     {@code array of int}), if any
 */
public record Parameter(String name, Optional<String> description, Optional<String> type) {

    /**
     * The parameters of some {@code .modinfo} entries, in order of first appearance, and the
     * {@code parm}/{@code parmtype} entries that had no {@code :} and so name no parameter.
     */
    public record Parameters(List<Parameter> parameters, List<ModinfoEntry> malformed) {
    }

    /** Merges the {@code parm} and {@code parmtype} entries of {@code entries}. */
    public static Parameters of(List<ModinfoEntry> entries) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        List<ModinfoEntry> malformed = new ArrayList<>();
        for (ModinfoEntry e : entries) {
            boolean isDescription = e.key().equals("parm");
            if (!isDescription && !e.key().equals("parmtype")) {
                continue;
            }
            int colon = e.value().indexOf(':');
            if (colon < 0) {
                malformed.add(e);
                continue;
            }
            String name = e.value().substring(0, colon);
            Optional<String> text = Optional.of(e.value().substring(colon + 1));
            Parameter old = byName.getOrDefault(name, new Parameter(name, Optional.empty(), Optional.empty()));
            byName.put(name, isDescription
                    ? new Parameter(name, text, old.type())
                    : new Parameter(name, old.description(), text));
        }
        return new Parameters(List.copyOf(byName.values()), List.copyOf(malformed));
    }
}
