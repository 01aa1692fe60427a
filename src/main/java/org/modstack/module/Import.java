package org.modstack.module;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * An undefined symbol of a module: something it needs from the kernel or another module.
 *
 * @param name the symbol's name
 * @param weak whether the reference is weak and may stay unresolved
 * @param crc the CRC the module's {@code __versions} table expects, when it has an entry
 */
public record Import(String name, boolean weak, OptionalLong crc) {
    /** Written out, as {@link SymbolVersion#equals}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Import other && weak == other.weak && Objects.equals(name, other.name)
                && Objects.equals(crc, other.crc);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(name) + Objects.hashCode(crc) + (weak ? 1 : 0);
    }
}
