package org.modstack.kernel;

import java.util.List;

/**
 * verify_namespace_is_imported: whether a module may use an export of a symbol namespace. Since
 * 7.2 a namespace {@code module:PATTERN,...} ({@code EXPORT_SYMBOL_FOR_MODULES}) is open to the
 * modules its patterns name, each ending in {@code *} for a prefix, {@code -} and {@code _} alike.
 */
final class Namespaces {
    private static final String MODULE_NAMESPACE = "module:";

    private Namespaces() {
    }

    /** Whether {@code ns} is a list of modules rather than a namespace to import. */
    static boolean restrictedToModules(String ns) {
        return ns.startsWith(MODULE_NAMESPACE);
    }

    /** Whether module {@code name}, importing {@code imports}, may use an export of {@code ns}. */
    static boolean importable(String ns, String name, List<String> imports, LoaderRules rules) {
        if (rules.moduleNamespaces() && restrictedToModules(ns)) {
            for (String pattern : ns.substring(MODULE_NAMESPACE.length()).split(",")) {
                if (matches(pattern, name)) {
                    return true;
                }
            }
        }
        return imports.contains(ns);
    }

    private static boolean matches(String pattern, String name) {
        String mine = name.replace('-', '_');
        if (pattern.endsWith("*")) {
            return mine.startsWith(pattern.substring(0, pattern.length() - 1).replace('-', '_'));
        }
        return mine.equals(pattern.replace('-', '_'));
    }
}
