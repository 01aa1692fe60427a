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
        UNKNOWN_SYMBOL("unknown-symbol"),
        GPL_ONLY_SYMBOL("gpl-only-symbol"),
        GPL_USER_OF_PROPRIETARY("gpl-user-of-proprietary-module"),
        MISSING_NAMESPACE_IMPORT("missing-namespace-import"),
        CRC_MISMATCH("modversions-crc-mismatch"),
        NO_SYMBOL_VERSION("modversions-no-symbol-version"),
        VERMAGIC_MISMATCH("vermagic-mismatch"),
        BAD_ELF("bad-elf"),
        DUPLICATE_EXPORT("duplicate-export"),
        BAD_PARAMETER("bad-parameter"),
        BLACKLISTED("blacklisted"),
        ALREADY_LOADED("already-loaded"),
        SIGNATURE_REJECTED("signature-rejected"),
        COMMON_SYMBOL("common-symbol"),
        DEPENDENCY_REFUSED("dependency-refused"),
        OTHER("refused");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The kind's stable name, e.g. {@code missing-namespace-import}. */
        public String id() {
            return id;
        }
    }
}
