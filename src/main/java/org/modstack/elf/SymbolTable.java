package org.modstack.elf;

import java.nio.ByteBuffer;
import org.modstack.Errno;
import org.modstack.util.CString;

/**
 * A {@code .symtab} read in place: entries are decoded on demand, so scanning every module
 * of a tree allocates only the names a caller asks for.
 *
 * <pre>
 * Elf32_Sym (16 bytes)                 Elf64_Sym (24 bytes)
 *   st_name  u32 @0                      st_name  u32 @0
 *   st_value u32 @4                      st_info  u8  @4
 *   st_size  u32 @8                      st_other u8  @5
 *   st_info  u8  @12                     st_shndx u16 @6
 *   st_other u8  @13                     st_value u64 @8
 *   st_shndx u16 @14                     st_size  u64 @16
 * </pre>
 */
public final class SymbolTable {
    /** {@code SHN_UNDEF}: an undefined symbol, to be resolved at load time. */
    public static final int SHN_UNDEF = 0;
    /** {@code SHN_ABS}: an absolute value (a modversions CRC in a module built before 6.x). */
    public static final int SHN_ABS = 0xfff1;
    /** {@code SHN_COMMON}: a common symbol, which the kernel's loader refuses. */
    public static final int SHN_COMMON = 0xfff2;
    /** {@code STB_WEAK}: a weak binding. */
    public static final int STB_WEAK = 2;
    /** {@code STT_REGISTER}: SPARC's register symbols, never imports. */
    public static final int STT_REGISTER = 13;

    private final ElfFile elf;
    private final ByteBuffer entries;
    private final ByteBuffer strings;
    private final int entrySize;
    private final boolean is64;

    private SymbolTable(ElfFile elf, ByteBuffer entries, ByteBuffer strings) {
        this.elf = elf;
        this.entries = entries;
        this.strings = strings;
        this.is64 = elf.is64Bit();
        this.entrySize = is64 ? 24 : 16;
    }

    static SymbolTable of(ElfFile elf, ByteBuffer entries, ByteBuffer strings) throws ElfFormatException {
        int entrySize = elf.is64Bit() ? 24 : 16;
        if (entries.capacity() % entrySize != 0) {
            throw new ElfFormatException(Errno.EINVAL, ".symtab size is not a multiple of " + entrySize);
        }
        return new SymbolTable(elf, entries, strings);
    }

    /** The ELF image this table belongs to. */
    public ElfFile elf() {
        return elf;
    }

    /** The number of entries, the NULL entry 0 included. */
    public int count() {
        return entries.capacity() / entrySize;
    }

    /** {@code st_name} of entry {@code i}. */
    public long nameOffset(int i) {
        return ElfFile.u32(entries, i * entrySize);
    }

    /** {@code st_shndx} of entry {@code i}. */
    public int sectionIndex(int i) {
        return ElfFile.u16(entries, i * entrySize + (is64 ? 6 : 14));
    }

    /** {@code st_info} of entry {@code i}. */
    public int info(int i) {
        return Byte.toUnsignedInt(entries.get(i * entrySize + (is64 ? 4 : 12)));
    }

    /** {@code st_value} of entry {@code i}. */
    public long value(int i) {
        int at = i * entrySize;
        return is64 ? entries.getLong(at + 8) : ElfFile.u32(entries, at + 4);
    }

    /** Whether entry {@code i}'s name lies inside {@code .strtab}. */
    public boolean hasValidName(int i) {
        return nameOffset(i) < strings.capacity();
    }

    /** Entry {@code i}'s name; the empty string when it lies outside {@code .strtab}. */
    public String name(int i) {
        return name(i, CString.PLAIN);
    }

    /** As {@link #name(int)}, made a String by {@code decoder}. */
    public String name(int i, CString.Decoder decoder) {
        long off = nameOffset(i);
        if (off >= strings.capacity()) {
            return "";
        }
        return CString.read(strings, (int) off, strings.capacity(), decoder);
    }

    /** Whether entry {@code i}'s name starts with {@code prefix} (bytes, no allocation). */
    public boolean nameStartsWith(int i, byte[] prefix) {
        long off = nameOffset(i);
        return off + prefix.length <= strings.capacity()
                && CString.startsWith(strings, (int) off, strings.capacity(), prefix);
    }

    /** Entry {@code i}'s name with the first {@code skip} bytes left out. */
    public String nameAfter(int i, int skip) {
        return nameAfter(i, skip, CString.PLAIN);
    }

    /** As {@link #nameAfter(int, int)}, made a String by {@code decoder}. */
    public String nameAfter(int i, int skip, CString.Decoder decoder) {
        return CString.read(strings, (int) nameOffset(i) + skip, strings.capacity(), decoder);
    }

    /** The binding of entry {@code i}, {@code ELF_ST_BIND(st_info)}. */
    public int binding(int i) {
        return info(i) >>> 4;
    }

    /** The type of entry {@code i}, {@code ELF_ST_TYPE(st_info)}. */
    public int type(int i) {
        return info(i) & 0xf;
    }
}
