package org.modstack.kernel;

import java.util.OptionalLong;

/**
 * A symbol exported to modules, by vmlinux or by a loaded module.
 *
 * @param name the symbol
 * @param gplOnly exported with {@code EXPORT_SYMBOL_GPL}
 * @param namespace the namespace of {@code EXPORT_SYMBOL_NS}, or "" for none
 * @param crc its modversions CRC, when the exporter has one
 */
public record KernelSymbol(String name, boolean gplOnly, String namespace, OptionalLong crc) {
}
