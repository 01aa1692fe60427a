package org.modstack.kernel.check;

import java.nio.file.Path;
import java.util.List;

/**
 * Whether one module loads on one kernel, with what the kernel said.
 *
 * @param module the module's name
 * @param file the file it was read from
 * @param kernel the target kernel's name (its release)
 * @param loadOrder its place in the order the stack was loaded on this kernel (1 first), 0 when it
 *     was not tried (a module it needs was refused)
 * @param outcome loads, loads and taints, or refused
 * @param taints the module's taint letters as {@code /proc/modules} shows them ("" for none)
 * @param taintReasons why each letter, in the same order
 * @param errno the name of the errno the load failed with ({@code EINVAL}), "" when it loaded
 * @param kernelLog the lines the kernel logged while loading it (in-tree modules included)
 * @param inTreeLoaded the in-tree modules loaded first for it, in load order
 * @param findings why it was refused and what to change (empty when it loads)
 */
public record Verdict(String module, Path file, String kernel, int loadOrder, Outcome outcome, String taints,
                      List<String> taintReasons, String errno, List<String> kernelLog, List<String> inTreeLoaded,
                      List<Finding> findings) {

    /** A module's fate on a kernel. */
    public enum Outcome {
        LOADS("loads"), TAINTS("taints"), REFUSED("refused"), DEPENDENCY_REFUSED("dependency-refused");

        private final String id;

        Outcome(String id) {
            this.id = id;
        }

        /** The outcome's stable name in JSON and SARIF. */
        public String id() {
            return id;
        }

        /** Whether the module ends up loaded. */
        public boolean loaded() {
            return this == LOADS || this == TAINTS;
        }
    }
}
