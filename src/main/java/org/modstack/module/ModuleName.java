package org.modstack.module;

/** Module names as kmod derives and compares them. */
public final class ModuleName {
    private ModuleName() {
    }

    /**
     * The name kmod gives the module in file {@code path}: the base name cut at its first
     * {@code .}, with every {@code -} turned into {@code _}. Empty for a path ending in {@code /}.
     */
    public static String fromPath(String path) {
        return normalize(path.substring(path.lastIndexOf('/') + 1));
    }

    /** A name as kmod normalizes one: cut at the first {@code .}, {@code -} turned into {@code _}. */
    public static String normalize(String name) {
        int dot = name.indexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        return base.replace('-', '_');
    }
}
