package org.modstack.module;

import org.modstack.Errno;
import org.modstack.ErrnoException;

/** Module names as kmod derives and compares them. */
public final class ModuleName {
    private ModuleName() {
    }

    /**
     * The name kmod gives the module in file {@code path}: the base name cut at its first
     * {@code .}, with every {@code -} turned into {@code _}. Empty for a path ending in {@code /}.
     */
    public static String fromPath(String path) {
        return normalize(path, path.lastIndexOf('/') + 1);
    }

    /** A name as kmod normalizes one: cut at the first {@code .}, {@code -} turned into {@code _}. */
    public static String normalize(String name) {
        return normalize(name, 0);
    }

    /** The name starting at {@code from}, normalized: one substring, not one per step. */
    private static String normalize(String s, int from) {
        int dot = s.indexOf('.', from);
        int end = dot < 0 ? s.length() : dot;
        String base = from == 0 && end == s.length() ? s : s.substring(from, end);
        return base.replace('-', '_');
    }

    /**
     * An alias as kmod stores and looks them up: {@code -} turned into {@code _} outside
     * brackets; a {@code ]} without its {@code [}, or a {@code [} without its {@code ]}, is
     * invalid.
     */
    public static String normalizeAlias(String alias) throws ErrnoException {
        if (alias.indexOf('[') < 0 && alias.indexOf(']') < 0) {
            // most names: at most dashes to turn. indexOf and replace run over the String's
            // bytes; a loop of charAt is a call per char in C1, which compiles a depmod
            return alias.replace('-', '_');
        }
        StringBuilder out = new StringBuilder(alias.length());
        for (int i = 0; i < alias.length(); i++) {
            char c = alias.charAt(i);
            if (c == ']') {
                throw new ErrnoException(Errno.EINVAL, "invalid alias " + alias);
            }
            if (c == '[') {
                int close = alias.indexOf(']', i);
                if (close < 0) {
                    throw new ErrnoException(Errno.EINVAL, "invalid alias " + alias);
                }
                out.append(alias, i, close + 1);
                i = close;
            } else {
                out.append(c == '-' ? '_' : c);
            }
        }
        return out.toString();
    }
}
