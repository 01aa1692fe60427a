package org.modstack.elf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.modstack.Errno;

/**
 * The {@code SHT_RELA} entries that patch one section, by the offset they patch: how a reader
 * follows a pointer stored in a relocatable object (a {@code .ko}), whose pointers are all
 * zero until the loader applies these.
 *
 * <pre>
 * Elf64_Rela (24 bytes): r_offset u64 @0, r_info u64 @8 (symbol = info >>> 32), r_addend s64 @16
 * </pre>
 */
public final class Relocations {
    private static final int ENTRY_SIZE = 64 / 8 * 3;

    /** Where a patched pointer points: a symbol, plus an addend. */
    public record Target(int symbol, long addend) {
    }

    private final Map<Long, Target> byOffset;

    private Relocations(Map<Long, Target> byOffset) {
        this.byOffset = byOffset;
    }

    /**
     * The relocations of section {@code target} in a 64-bit image (none when it has no RELA
     * section).
     *
     * @throws ElfFormatException when a RELA section lies outside the image or names a symbol
     *     past the {@code symbolCount} entries of the symbol table
     */
    public static Relocations of(ElfFile elf, Section target, int symbolCount) throws ElfFormatException {
        Map<Long, Target> map = new HashMap<>();
        for (int i = 1; i < elf.sectionCount(); i++) {
            Section s = elf.section(i);
            if (s.type() != Section.SHT_RELA || s.info() != target.index() || !elf.is64Bit()) {
                continue;
            }
            ByteBuffer b = elf.checkedContents(s);
            for (int at = 0; at + ENTRY_SIZE <= b.capacity(); at += ENTRY_SIZE) {
                long symbol = b.getLong(at + 8) >>> 32;
                if (symbol >= symbolCount) {
                    throw new ElfFormatException(Errno.ENOEXEC, "relocation names symbol " + symbol + " past .symtab");
                }
                map.put(b.getLong(at), new Target((int) symbol, b.getLong(at + 16)));
            }
        }
        return new Relocations(map);
    }

    /** The relocation patching the word at {@code offset}, if any. */
    public Optional<Target> at(long offset) {
        return Optional.ofNullable(byOffset.get(offset));
    }
}
