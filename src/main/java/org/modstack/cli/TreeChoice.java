package org.modstack.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modstack.ErrnoException;
import org.modstack.modprobe.ModuleDirectory;

/**
 * Which module tree modstack's own tree commands (deps, graph, explore) read: {@code -b DIR}
 * and {@code -k VERSION} as modinfo takes them, else the running system's.
 */
final class TreeChoice {
    /** A tool's option table: {@code -b} and {@code -k}, then the tool's own. */
    static Getopt options(Getopt.Spec... own) {
        List<Getopt.Spec> all = new ArrayList<>(List.of(Getopt.Spec.value('b', "basedir"),
                Getopt.Spec.value('k', "set-version")));
        all.addAll(List.of(own));
        return new Getopt(all);
    }

    /** Their help lines. */
    static final String HELP = "\t-b, --basedir=DIR           Use DIR as filesystem root for /lib/modules\n"
            + "\t-k, --set-version=VERSION   Use VERSION instead of `uname -r`\n";

    private String basedir;
    private String release;

    /** Takes {@code -b} or {@code -k}; returns false for any other option. */
    boolean apply(Getopt.Option o) {
        switch (o.key()) {
            case "b" -> basedir = o.value();
            case "k" -> release = o.value();
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The chosen tree's module directory. */
    ModuleDirectory directory() throws ErrnoException {
        return ModuleDirectory.of(Optional.ofNullable(basedir), Optional.ofNullable(release));
    }
}
