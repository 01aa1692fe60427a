package org.modstack.kernel.check;

/**
 * One reason a module is refused, in plain words, with what to change.
 *
 * @param kind the kind of refusal
 * @param symbol the symbol it concerns, or "" when none
 * @param explanation what the kernel found, for a person
 * @param fix what to change so that the module loads
 */
public record Finding(Kind kind, String symbol, String explanation, String fix) {

    /** The loader's refusal kinds; {@link #id()} names them in JSON and SARIF. */
    public enum Kind {
        UNKNOWN_SYMBOL("unknown-symbol", "a symbol the module imports is exported by nothing on the kernel"),
        GPL_ONLY_SYMBOL("gpl-only-symbol", "a GPL-only symbol used by a module whose licence is not GPL-compatible"),
        GPL_USER_OF_PROPRIETARY("gpl-user-of-proprietary-module", "a module using GPL-only symbols also uses symbols of a proprietary module"),
        MISSING_NAMESPACE_IMPORT("missing-namespace-import", "a namespaced symbol used without MODULE_IMPORT_NS"),
        CRC_MISMATCH("modversions-crc-mismatch", "modversions: the module was built against other headers (a symbol's CRC differs)"),
        NO_SYMBOL_VERSION("modversions-no-symbol-version", "modversions: the module has no CRC for a symbol the kernel versions"),
        VERMAGIC_MISMATCH("vermagic-mismatch", "the module was built for another kernel (version magic differs)"),
        BAD_ELF("bad-elf", "the file is not a loadable module for the kernel (ELF, architecture)"),
        DUPLICATE_EXPORT("duplicate-export", "the module exports a symbol the kernel or a loaded module already exports"),
        BAD_PARAMETER("bad-parameter", "a parameter value the parameter's type refuses"),
        BLACKLISTED("blacklisted", "module_blacklist= on the kernel command line names the module"),
        ALREADY_LOADED("already-loaded", "a module of the same name is loaded or built in"),
        SIGNATURE_REJECTED("signature-rejected", "the kernel only loads modules signed with a key it trusts"),
        COMMON_SYMBOL("common-symbol", "the module has common symbols (built without -fno-common)"),
        DEPENDENCY_REFUSED("dependency-refused", "a stack module it needs was refused"),
        OTHER("refused", "the kernel refused the module");

        private final String id;
        private final String description;

        Kind(String id, String description) {
            this.id = id;
            this.description = description;
        }

        /** What the kind means, in one sentence (SARIF's rule description). */
        public String description() {
            return description;
        }

        /** The kind's stable name, e.g. {@code missing-namespace-import}. */
        public String id() {
            return id;
        }
    }
}
