package org.modstack.elf;

/**
 * One {@code .symtab} entry.
 *
 * @param name the symbol's name from {@code .strtab} (bytes decoded as ISO-8859-1)
 * @param value {@code st_value}
 * @param size {@code st_size}
 * @param info {@code st_info}: binding in the high nibble, type in the low
 * @param sectionIndex {@code st_shndx}
 */
public record Symbol(String name, long value, long size, int info, int sectionIndex) {

    public static final int SHN_UNDEF = 0;
    public static final int SHN_ABS = 0xfff1;
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    /** The binding, {@code ELF_ST_BIND(st_info)}. */
    public int binding() {
        return info >>> 4;
    }

    /** The type, {@code ELF_ST_TYPE(st_info)}. */
    public int type() {
        return info & 0xf;
    }

    /** Whether the symbol is undefined here and must come from elsewhere at load time. */
    public boolean isUndefined() {
        return sectionIndex == SHN_UNDEF;
    }
}
