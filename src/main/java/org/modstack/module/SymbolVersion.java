package org.modstack.module;

/**
 * One entry of a module's {@code __versions} table: the CRC of a symbol's prototype as the
 * module was built against it.
 *
 * @param name the symbol's name, without the leading {@code .} some architectures add
 * @param crc the CRC, unsigned
 */
public record SymbolVersion(String name, long crc) {
}
