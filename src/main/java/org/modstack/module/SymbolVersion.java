package org.modstack.module;

import java.util.Objects;

/**
 * One entry of a module's {@code __versions} table: the CRC of a symbol's prototype as the
 * module was built against it.
 *
 * @param name the symbol's name, without the leading {@code .} some architectures add
 * @param crc the CRC, unsigned
 */
public record SymbolVersion(String name, long crc) {
    /**
     * Written out, as {@link Import}'s: a record's own {@code equals} is bound through method
     * handles on its first call, spinning some twenty classes (about 25 ms of a depmod that
     * compares what it read with its cache).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof SymbolVersion other && crc == other.crc && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(name) + Long.hashCode(crc);
    }
}
