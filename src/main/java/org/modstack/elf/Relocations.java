package org.modstack.elf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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

    /** The relocations of section {@code target} in a 64-bit image (none when it has no RELA section). */
    public static Relocations of(ElfFile elf, Section target) {
        Map<Long, Target> map = new HashMap<>();
        for (int i = 1; i < elf.sectionCount(); i++) {
            Section s = elf.section(i);
            if (s.type() != Section.SHT_RELA || s.info() != target.index() || !elf.is64Bit()) {
                continue;
            }
            ByteBuffer b = elf.contents(s);
            for (int at = 0; at + ENTRY_SIZE <= b.capacity(); at += ENTRY_SIZE) {
                map.put(b.getLong(at), new Target((int) (b.getLong(at + 8) >>> 32), b.getLong(at + 16)));
            }
        }
        return new Relocations(map);
    }

    /** The relocation patching the word at {@code offset}, if any. */
    public Optional<Target> at(long offset) {
        return Optional.ofNullable(byOffset.get(offset));
    }
}
