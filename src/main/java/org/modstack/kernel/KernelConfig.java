package org.modstack.kernel;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The kernel configuration options that change how modules load and unload.
 *
 * @param modversions {@code CONFIG_MODVERSIONS}: symbol CRCs are checked
 * @param moduleSig {@code CONFIG_MODULE_SIG}: signatures are checked, unsigned modules taint E
 * @param moduleSigForce {@code CONFIG_MODULE_SIG_FORCE}: unsigned modules are refused
 * @param forceLoad {@code CONFIG_MODULE_FORCE_LOAD}: a module without vermagic or versions loads, tainting F
 * @param unload {@code CONFIG_MODULE_UNLOAD}: modules can be removed
 * @param forceUnload {@code CONFIG_MODULE_FORCE_UNLOAD}: {@code rmmod -f} is honoured
 * @param missingNamespaceImportsAllowed {@code CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS}
 * @param strictModuleRwx {@code CONFIG_STRICT_MODULE_RWX}: a module's parts are page-aligned
 * @param kallsymsAll {@code CONFIG_KALLSYMS_ALL}: data symbols stay in a module's symbol table
 */
public record KernelConfig(boolean modversions, boolean moduleSig, boolean moduleSigForce, boolean forceLoad,
                           boolean unload, boolean forceUnload, boolean missingNamespaceImportsAllowed,
                           boolean strictModuleRwx, boolean kallsymsAll) {

    /** The options as a {@code .config} file sets them; {@code enabled} holds those set to {@code y}. */
    public static KernelConfig of(Set<String> enabled) {
        return new KernelConfig(on(enabled, "MODVERSIONS"), on(enabled, "MODULE_SIG"), on(enabled, "MODULE_SIG_FORCE"),
                on(enabled, "MODULE_FORCE_LOAD"), on(enabled, "MODULE_UNLOAD"), on(enabled, "MODULE_FORCE_UNLOAD"),
                on(enabled, "MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS"), on(enabled, "STRICT_MODULE_RWX"),
                on(enabled, "KALLSYMS_ALL"));
    }

    private static boolean on(Set<String> enabled, String option) {
        return enabled.contains("CONFIG_" + option);
    }

    /**
     * The options a {@code .config} file (ISO-8859-1) sets to {@code y}, with their {@code CONFIG_}
     * prefix: lines {@code NAME=y}, comments ({@code #}) aside. Only these ever matter to module
     * loading. Scanned as bytes: a String per line of Debian's 10,000 cost an insmod 15 ms.
     */
    public static Set<String> enabled(byte[] dotConfig) {
        Set<String> out = new HashSet<>();
        int start = 0;
        while (start < dotConfig.length) {
            int end = start;
            int eq = -1;
            while (end < dotConfig.length && dotConfig[end] != '\n' && dotConfig[end] != '\r') {
                if (eq < 0 && dotConfig[end] == '=') {
                    eq = end;
                }
                end++;
            }
            if (eq > start && eq == end - 2 && dotConfig[end - 1] == 'y' && dotConfig[start] != '#') {
                out.add(new String(dotConfig, start, eq - start, StandardCharsets.ISO_8859_1));
            }
            start = end + 1;
        }
        return out;
    }
}
