package org.modstack.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.util.CString;

/**
 * A read-only view of an ELF relocatable object (a kernel module), 32 or 64 bits, either
 * byte order.
 *
 * <p>Validation follows libkmod's: it checks what it must before it trusts any offset, and
 * rejects with the errno libkmod would report. Every read is an absolute-offset read on a
 * private duplicate of the caller's buffer, so an {@code ElfFile} is safe to share between
 * threads.
 *
 * <pre>
 * Elf32_Ehdr / Elf64_Ehdr (fields used)      Elf32_Shdr / Elf64_Shdr (fields used)
 *   e_ident[16]   magic, class, data           sh_name   u32 / u32
 *   e_type        u16 @16                      sh_type   u32 / u32
 *   e_machine     u16 @18                      sh_flags  u32 / u64
 *   e_shoff       u32 @32 / u64 @40            sh_offset u32 @16 / u64 @24
 *   e_shentsize   u16 @46 / @58                sh_size   u32 @20 / u64 @32
 *   e_shnum       u16 @48 / @60                sh_link, sh_info
 *   e_shstrndx    u16 @50 / @62
 * </pre>
 */
public final class ElfFile {
    private static final int EI_NIDENT = 16;
    private static final int ELFCLASS32 = 1;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ELFDATA2MSB = 2;

    private final ByteBuffer image;
    private final boolean is64;
    private final int type;
    private final int machine;
    private final Section[] sections;
    private final Section names;
    /** {@link #symbols()} once found: a module's readers ask for it more than once. */
    private volatile SymbolTable symbols;

    private ElfFile(ByteBuffer image, boolean is64, int type, int machine, Section[] sections,
                    Section names) {
        this.image = image;
        this.is64 = is64;
        this.type = type;
        this.machine = machine;
        this.sections = sections;
        this.names = names;
    }

    /**
     * Reads the ELF and section headers of {@code buffer}'s remaining bytes.
     *
     * @throws ElfFormatException when the bytes are not an ELF image libkmod would accept
     */
    public static ElfFile read(ByteBuffer buffer) throws ElfFormatException {
        ByteBuffer image = buffer.slice();
        long size = image.capacity();
        if (size <= EI_NIDENT || image.getInt(0) != 0x7f454c46) {
            throw new ElfFormatException(Errno.ENOEXEC, "not an ELF image");
        }
        int elfClass = image.get(4);
        boolean is64 = elfClass == ELFCLASS64;
        if (elfClass != ELFCLASS32 && !is64) {
            throw new ElfFormatException(Errno.EINVAL, "unknown ELF class " + elfClass);
        }
        if (size <= (is64 ? 64 : 52)) {
            throw new ElfFormatException(Errno.EINVAL, "file too short for an ELF header");
        }
        switch (image.get(5)) {
            case ELFDATA2LSB -> image.order(ByteOrder.LITTLE_ENDIAN);
            case ELFDATA2MSB -> image.order(ByteOrder.BIG_ENDIAN);
            default -> throw new ElfFormatException(Errno.EINVAL, "unknown ELF byte order");
        }
        long shoff = is64 ? image.getLong(40) : Integer.toUnsignedLong(image.getInt(32));
        int base = is64 ? 58 : 46;
        int entrySize = u16(image, base);
        int count = u16(image, base + 2);
        int namesIndex = u16(image, base + 4);
        if (entrySize != (is64 ? 64 : 40)) {
            throw new ElfFormatException(Errno.EINVAL, "unexpected section header size " + entrySize);
        }
        long tableSize = (long) entrySize * count;
        if (shoff < 0 || shoff > size || tableSize > size - shoff) {
            throw new ElfFormatException(Errno.EINVAL, "section header table out of bounds");
        }
        Section[] sections = new Section[count];
        for (int i = 0; i < count; i++) {
            sections[i] = readSection(image, is64, (int) shoff + i * entrySize, i);
        }
        Section names = namesSection(image, sections, namesIndex);
        return new ElfFile(image, is64, u16(image, 16), u16(image, 18), sections, names);
    }

    private static Section namesSection(ByteBuffer image, Section[] sections, int index)
            throws ElfFormatException {
        if (index == 0 || index >= sections.length || !sections[index].fitsIn(image.capacity())) {
            throw new ElfFormatException(Errno.EINVAL, "bad section name table index " + index);
        }
        Section names = sections[index];
        if (names.size() == 0 || image.get((int) (names.offset() + names.size() - 1)) != 0) {
            throw new ElfFormatException(Errno.EINVAL, "section name table not NUL-terminated");
        }
        return names;
    }

    private static Section readSection(ByteBuffer b, boolean is64, int at, int index) {
        if (is64) {
            return new Section(index, u32(b, at), u32(b, at + 4), b.getLong(at + 8), b.getLong(at + 24),
                    b.getLong(at + 32), u32(b, at + 40), u32(b, at + 44), b.getLong(at + 48), b.getLong(at + 56), at);
        }
        return new Section(index, u32(b, at), u32(b, at + 4), u32(b, at + 8), u32(b, at + 16),
                u32(b, at + 20), u32(b, at + 24), u32(b, at + 28), u32(b, at + 32), u32(b, at + 36), at);
    }

    static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }

    static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** Whether this is a 64-bit ELF image. */
    public boolean is64Bit() {
        return is64;
    }

    /** {@code e_type}; kernel modules are {@code ET_REL} (1). */
    public int type() {
        return type;
    }

    /** {@code e_machine}, e.g. 62 for x86_64, 183 for aarch64, 40 for arm, 22 for s390. */
    public int machine() {
        return machine;
    }

    /** The size of the whole image in bytes. */
    public int size() {
        return image.capacity();
    }

    /** The number of entries in the section header table, the NULL entry included. */
    public int sectionCount() {
        return sections.length;
    }

    /** The section header at {@code index}. */
    public Section section(int index) {
        return sections[index];
    }

    /**
     * The first section named {@code name}, as libkmod finds it: entry 0 and entries whose
     * bytes fall outside the file or whose name lies outside the name table are passed over.
     */
    public Optional<Section> section(String name) {
        byte[] wanted = CString.bytes(name);
        int namesStart = (int) names.offset();
        int namesEnd = (int) (names.offset() + names.size());
        for (int i = 1; i < sections.length; i++) {
            Section s = sections[i];
            if (!s.fitsIn(image.capacity()) || s.nameOffset() >= names.size()) {
                continue;
            }
            if (CString.equalsAt(image, namesStart + (int) s.nameOffset(), namesEnd, wanted)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The name of {@code section}, or the empty string when its name is out of range. */
    public String nameOf(Section section) {
        if (section.nameOffset() >= names.size()) {
            return "";
        }
        int start = (int) (names.offset() + section.nameOffset());
        return CString.read(image, start, (int) (names.offset() + names.size()));
    }

    /**
     * The bytes of a section that {@link #section(String)} returned, as a read-only buffer in
     * the image's byte order, positioned at 0.
     */
    public ByteBuffer contents(Section section) {
        if (!section.fitsIn(image.capacity())) {
            throw new IllegalArgumentException("section " + section.index() + " lies outside the image");
        }
        return image.slice((int) section.offset(), (int) section.size()).order(image.order());
    }

    /**
     * The bytes of any section, as {@link #contents} gives them.
     *
     * @throws ElfFormatException when the section lies outside the image
     */
    public ByteBuffer checkedContents(Section section) throws ElfFormatException {
        if (!section.fitsIn(image.capacity())) {
            throw new ElfFormatException(Errno.ENOEXEC, "section " + section.index() + " lies outside the image");
        }
        return contents(section);
    }

    /**
     * The image's {@code .symtab} with its {@code .strtab}, found by name as libkmod does.
     *
     * @throws ElfFormatException when either is missing or the table's size is not a whole
     *     number of entries
     */
    public SymbolTable symbols() throws ElfFormatException {
        SymbolTable found = symbols;
        if (found == null) {
            found = findSymbols();
            symbols = found;  // a race finds an equal table twice
        }
        return found;
    }

    private SymbolTable findSymbols() throws ElfFormatException {
        Optional<Section> strtab = section(".strtab");
        if (strtab.isEmpty()) {
            throw new ElfFormatException(Errno.EINVAL, "no .strtab");
        }
        Optional<Section> symtab = section(".symtab");
        if (symtab.isEmpty()) {
            throw new ElfFormatException(Errno.EINVAL, "no .symtab");
        }
        return SymbolTable.of(this, contents(symtab.get()), contents(strtab.get()));
    }

    /**
     * The NUL-terminated string at an absolute offset, ending at the image's end at the latest,
     * made a String by {@code decoder}.
     */
    public String string(long offset, CString.Decoder decoder) {
        return CString.read(image, (int) offset, image.capacity(), decoder);
    }

    /**
     * Clears {@code SHF_ALLOC} in section {@code s}'s header within {@code copy}, a writable copy
     * of this image: the section stays in the file but is not loaded (sh_flags follows sh_name
     * and sh_type in both classes, 8 bytes wide in ELF64, 4 in ELF32).
     */
    public void clearAlloc(ByteBuffer copy, Section s) {
        int at = (int) s.headerOffset() + 8;
        if (is64) {
            copy.order(image.order()).putLong(at, s.flags() & ~Section.SHF_ALLOC);
        } else {
            copy.order(image.order()).putInt(at, (int) (s.flags() & ~Section.SHF_ALLOC));
        }
    }

    /**
     * Reads an unsigned value of {@code width} bytes (1, 2, 4 or 8) at an absolute offset in the
     * image's byte order.
     */
    public long unsigned(long offset, int width) {
        int at = (int) offset;
        return switch (width) {
            case 1 -> Byte.toUnsignedInt(image.get(at));
            case 2 -> u16(image, at);
            case 4 -> u32(image, at);
            case 8 -> image.getLong(at);
            default -> throw new IllegalArgumentException("width " + width);
        };
    }
}
