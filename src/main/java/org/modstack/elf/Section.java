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
 * @param addralign {@code sh_addralign}
 * @param entsize {@code sh_entsize}
 * @param headerOffset where the section's header lies in the file
 */
public record Section(int index, long nameOffset, long type, long flags, long offset, long size,
                      long link, long info, long addralign, long entsize, long headerOffset) {

    /** {@code SHF_WRITE}. */
    public static final long SHF_WRITE = 0x1;
    /** {@code SHF_ALLOC}: the section occupies memory when the module is loaded. */
    public static final long SHF_ALLOC = 0x2;
    /** {@code SHF_EXECINSTR}. */
    public static final long SHF_EXECINSTR = 0x4;
    /** {@code SHF_RO_AFTER_INIT}, the kernel's own flag for {@code .data..ro_after_init}. */
    public static final long SHF_RO_AFTER_INIT = 0x00200000;
    /** {@code SHT_RELA}. */
    public static final long SHT_RELA = 4;
    /** {@code SHT_STRTAB}. */
    public static final long SHT_STRTAB = 3;

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
