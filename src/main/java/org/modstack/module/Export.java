package org.modstack.module;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A symbol a module exports to the modules stacked on it.
 *
 * @param name the symbol's name
 * @param gplOnly whether it was exported with {@code EXPORT_SYMBOL_GPL} (its {@code __ksymtab_}
 *     entry lies in {@code __ksymtab_gpl}; since 7.x, its {@code __kflagstab} byte says so)
 * @param namespace the namespace of {@code EXPORT_SYMBOL_NS}, if any
 * @param crc the symbol's modversions CRC, when the module was built with modversions
 */
public record Export(String name, boolean gplOnly, Optional<String> namespace, OptionalLong crc) {
}
