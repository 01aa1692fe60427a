package org.modstack.kernel;

/**
 * The loader's rules that changed between the kernel generations Debian ships (5.10, 6.1, 6.12,
 * 7.2), each proven on the real kernels under qemu. A release is held to the rules of the newest
 * generation at or below its version: exact for the four, the nearest older model for any other.
 * Each rule says the generation it first shows in; {@code docs/kernel-generations.md} has the
 * same list as a table, each row with the scenario that proves it.
 *
 * @param generation the generation whose rules apply
 */
public record LoaderRules(Generation generation) {
    /** The kernel generations Debian ships, oldest first. */
    public enum Generation {
        V5_10(5, 10), V6_1(6, 1), V6_12(6, 12), V7_2(7, 2);

        private final int major;
        private final int minor;

        Generation(int major, int minor) {
            this.major = major;
            this.minor = minor;
        }

        /** The version, as {@code 6.12}. */
        public String version() {
            return major + "." + minor;
        }

        private boolean atOrBelow(int maj, int min) {
            return major < maj || (major == maj && minor <= min);
        }
    }

    /**
     * The rules of the kernel whose release ({@code uname -r}) is given; a release that does not
     * start with {@code MAJOR.MINOR} gets 6.1's. Read by hand, not by a regular expression: a
     * pattern's character classes link lambdas, which insmod does not (see SmallCommandsTest).
     */
    public static LoaderRules of(String release) {
        int dot = digitsEnd(release, 0);
        int end = dot > 0 && dot < release.length() && release.charAt(dot) == '.' ? digitsEnd(release, dot + 1) : -1;
        if (end <= dot + 1) {
            return new LoaderRules(Generation.V6_1);
        }
        int maj = Integer.parseInt(release, 0, dot, 10);
        int min = Integer.parseInt(release, dot + 1, end, 10);
        Generation g = Generation.V5_10;
        for (Generation each : Generation.values()) {
            if (each.atOrBelow(maj, min)) {
                g = each;
            }
        }
        return new LoaderRules(g);
    }

    /** Where the run of ASCII digits starting at {@code from} ends. */
    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private boolean since(Generation g) {
        return generation.compareTo(g) >= 0;
    }

    /**
     * 6.12 (upstream 6.4): a module's memory is one allocation per type (text, read-only data, read-only after
     * init, data with the kallsyms tables), each rounded up to a page; before, the core was one
     * allocation whose parts each started on a page, the symbol tables on a page of their own.
     */
    public boolean memoryPerType() {
        return since(Generation.V6_12);
    }

    /**
     * 6.12 (upstream 6.4): the module taints (out-of-tree, staging, licence, test, unsigned) are applied once the
     * module is in the module list, so after the already-loaded check, the unsigned one last;
     * a licence that taints first is also announced as {@code module license taints kernel.}.
     * Before, they came with the vermagic check and the unsigned taint after the list.
     */
    public boolean taintsOnceListed() {
        return since(Generation.V6_12);
    }

    /**
     * 6.1: the messages about a symbol from a proprietary module name the symbol
     * ({@code module uses symbols S from proprietary module O}); 5.10's do not.
     */
    public boolean inheritedTaintNamesSymbol() {
        return since(Generation.V6_1);
    }

    /** 6.1: a module marked {@code test} taints N. */
    public boolean testTaint() {
        return since(Generation.V6_1);
    }

    /**
     * 6.1: each failed ELF sanity check logs its own reason; 5.10 logs one
     * {@code Module has invalid ELF structures} for all of them.
     */
    public boolean elfReasons() {
        return since(Generation.V6_1);
    }

    /**
     * 7.2: exports restricted to modules ({@code EXPORT_SYMBOL_FOR_MODULES}, namespace
     * {@code module:PATTERN,...}) are open to the modules the patterns match, and a module may not
     * import such a namespace itself; before (6.12 has the macro but not the rule), {@code module:...} was a namespace
     * like any other.
     */
    public boolean moduleNamespaces() {
        return since(Generation.V7_2);
    }

    /** 7.2: {@code /sys/module/M/import_ns} lists the namespaces a module imports. */
    public boolean importNsAttribute() {
        return since(Generation.V7_2);
    }

    /**
     * 7.2: GPL-only exports are flagged per symbol in {@code __kflagstab}; a module with exports
     * but no flags is refused, and {@code __ksymtab_gpl} is an obsolete section.
     */
    public boolean exportFlags() {
        return since(Generation.V7_2);
    }

    /** 7.2: {@code .static_call_sites} is read-only after init, laid out with {@code .data..ro_after_init}. */
    public boolean staticCallSitesReadOnlyAfterInit() {
        return since(Generation.V7_2);
    }
}
