package org.modstack.kernel;

import java.util.Set;

/** The licenses the kernel counts as GPL-compatible ({@code license_is_gpl_compatible}). */
final class License {
    private static final Set<String> GPL_COMPATIBLE = Set.of("GPL", "GPL v2", "GPL and additional rights",
            "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    private License() {
    }

    static boolean isGplCompatible(String license) {
        return GPL_COMPATIBLE.contains(license);
    }
}
