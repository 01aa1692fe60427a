package org.modstack.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.modstack.module.Parameter;

/**
 * A module in the virtual kernel's module list.
 *
 * @param name its name ({@code struct module}'s)
 * @param size its core size in bytes
 * @param address where its core is (a made-up but kernel-like address)
 * @param state {@code Live}, or {@code Loading}/{@code Unloading} in between
 * @param taints its own taint flags
 * @param holders the modules using its symbols, newest first
 * @param uses the modules whose symbols it uses
 * @param refcnt its reference count (one per holder)
 * @param hasInit it has an init function
 * @param hasExit it has an exit function (without one, a module with init is permanent)
 * @param exports what it exports, for the modules stacked on it
 * @param parameters its parameters as sysfs shows them
 * @param usesGplOnly it resolved a GPL-only symbol
 * @param modinfoFiles the sysfs files its modinfo adds ({@code srcversion}, {@code version}), absent
 *     from a state written before they were recorded
 */
public record LoadedModule(String name, long size, long address, State state, Set<Taint> taints,
                           List<String> holders, List<String> uses, int refcnt, boolean hasInit, boolean hasExit,
                           List<KernelSymbol> exports, List<Parameter> parameters, boolean usesGplOnly,
                           List<String> modinfoFiles) {

    /** A module's state, with the word {@code /proc/modules} and {@code initstate} use. */
    public enum State {
        LIVE("Live", "live"), COMING("Loading", "coming"), GOING("Unloading", "going");

        private final String word;
        private final String initstate;

        State(String word, String initstate) {
            this.word = word;
            this.initstate = initstate;
        }

        /** The word in {@code /proc/modules}. */
        public String word() {
            return word;
        }

        /** The content of {@code /sys/module/<m>/initstate}, without the newline. */
        public String initstate() {
            return initstate;
        }
    }

    /**
     * A parameter in sysfs.
     *
     * @param name its name
     * @param perm its file mode (0: no file)
     * @param value the file's content
     */
    public record Parameter(String name, int perm, String value) {
    }

    /** The files {@code /sys/module/<name>/} holds, in kernfs order: module_ktype's and modinfo's. */
    public List<String> sysfsFiles() {
        List<String> names = new ArrayList<>(List.of("coresize", "holders", "initsize", "initstate", "notes", "refcnt",
                "sections", "taint", "uevent"));
        if (parameters.stream().anyMatch(p -> p.perm() != 0)) {
            names.add("parameters");
        }
        if (modinfoFiles != null) {
            names.addAll(modinfoFiles);
        }
        return names;
    }

    /** Whether {@code rmmod} cannot remove it: it has init but no exit. */
    public boolean permanent() {
        return hasInit && !hasExit;
    }

    LoadedModule withHolders(List<String> newHolders, int newRefcnt) {
        return new LoadedModule(name, size, address, state, taints, newHolders, uses, newRefcnt, hasInit, hasExit,
                exports, parameters, usesGplOnly, modinfoFiles);
    }
}
