package org.modstack.elf;

/**
 * One entry of an ELF section header table, with unsigned fields widened to {@code long}.
 *
 * @param index the section's index in the table
 * @param nameOffset {@code sh_name}, an offset into the section-name string table
 * @param type {@code sh_type}
 * @param flags {@code sh_flags}
 * @param offset {@code sh_offset}, where the section's bytes start in the file
 * @param size {@code sh_size}
 * @param link {@code sh_link}
 * @param info {@code sh_info}
 */
public record Section(int index, long nameOffset, long type, long flags, long offset, long size,
                      long link, long info) {

    /** {@code SHT_NOBITS}: the section occupies no bytes in the file. */
    public static final long SHT_NOBITS = 8;
    /** {@code SHT_SYMTAB}. */
    public static final long SHT_SYMTAB = 2;

    /** Whether {@code [offset, offset + size)} lies inside a file of {@code fileSize} bytes. */
    boolean fitsIn(long fileSize) {
        long end = offset + size;
        return offset >= 0 && size >= 0 && end >= offset && end <= fileSize;
    }
}
