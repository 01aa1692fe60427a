package org.modstack.kernel;

import java.util.Map;

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

    /** The options as a {@code .config} file sets them ({@code CONFIG_X=y}). */
    public static KernelConfig of(Map<String, String> config) {
        return new KernelConfig(on(config, "MODVERSIONS"), on(config, "MODULE_SIG"), on(config, "MODULE_SIG_FORCE"),
                on(config, "MODULE_FORCE_LOAD"), on(config, "MODULE_UNLOAD"), on(config, "MODULE_FORCE_UNLOAD"),
                on(config, "MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS"), on(config, "STRICT_MODULE_RWX"),
                on(config, "KALLSYMS_ALL"));
    }

    private static boolean on(Map<String, String> config, String option) {
        return "y".equals(config.get("CONFIG_" + option));
    }
}
