package org.modstack.module;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.modstack.elf.ElfFile;
import org.modstack.elf.Section;
import org.modstack.elf.SymbolTable;
import org.modstack.util.CString;

/**
 * A module's export table: the {@code __ksymtab_<sym>} labels of its {@code __ksymtab} (and,
 * before 7.x, {@code __ksymtab_gpl}), with the GPL-only mark, namespace and CRC of each.
 */
final class ExportTable {
    /** Bit 0 of a 7.x {@code __kflagstab} byte ({@code enum ksym_flags}). */
    private static final int KSYM_FLAG_GPL_ONLY = 1;
    private static final byte[] KSYMTAB_PREFIX = CString.bytes("__ksymtab_");
    private static final byte[] KSTRTABNS_PREFIX = CString.bytes("__kstrtabns_");

    private final KernelModule module;
    private final ElfFile elf;
    private final SymbolTable symtab;

    ExportTable(KernelModule module, SymbolTable symtab) {
        this.module = module;
        this.elf = module.elf();
        this.symtab = symtab;
    }

    List<Export> exports() {
        Map<String, Integer> crcs = new HashMap<>();
        Map<String, Integer> namespaces = new HashMap<>();
        List<Integer> entries = new ArrayList<>();
        for (int i = 1; i < symtab.count(); i++) {
            if (symtab.nameStartsWith(i, KernelModule.CRC_PREFIX)) {
                crcs.putIfAbsent(symtab.nameAfter(i, KernelModule.CRC_PREFIX.length), i);
            } else if (symtab.nameStartsWith(i, KSTRTABNS_PREFIX)) {
                namespaces.putIfAbsent(symtab.nameAfter(i, KSTRTABNS_PREFIX.length), i);
            } else if (symtab.nameStartsWith(i, KSYMTAB_PREFIX) && symtab.sectionIndex(i) != 0
                    && symtab.sectionIndex(i) < elf.sectionCount()) {
                entries.add(i);
            }
        }
        List<Export> out = new ArrayList<>();
        for (int i : entries) {
            String sectionName = elf.nameOf(elf.section(symtab.sectionIndex(i)));
            boolean gplOnly;
            if (sectionName.equals("__ksymtab_gpl")) {
                gplOnly = true;
            } else if (sectionName.equals("__ksymtab")) {
                gplOnly = flaggedGplOnly(symtab.value(i));
            } else {
                continue;  // e.g. __ksymtab_strings' own label
            }
            String sym = symtab.nameAfter(i, KSYMTAB_PREFIX.length);
            Integer crc = crcs.get(sym);
            out.add(new Export(sym, gplOnly, namespace(namespaces.get(sym)),
                    crc == null ? OptionalLong.empty() : OptionalLong.of(module.resolveCrc(symtab, crc))));
        }
        return List.copyOf(out);
    }

    /**
     * Whether the {@code __ksymtab} entry at {@code entryOffset} is flagged GPL-only. Since 7.x
     * there is no {@code __ksymtab_gpl}: {@code __kflagstab} holds one flag byte per
     * {@code __ksymtab} entry, in the same order (both sections are sorted by symbol name), and
     * the loader reads the byte of the entry's index. Without the section (before 7.x) nothing in
     * {@code __ksymtab} is GPL-only.
     */
    private boolean flaggedGplOnly(long entryOffset) {
        Optional<Section> flags = elf.section("__kflagstab");
        Optional<Section> table = elf.section("__ksymtab");
        if (flags.isEmpty() || !module.fits(flags.get()) || table.isEmpty() || flags.get().size() == 0) {
            return false;
        }
        // sizeof(struct kernel_symbol), which the arch decides (12 with PREL32 entries, else
        // three pointers): the table holds as many entries as the flags section has bytes
        long entrySize = table.get().size() / flags.get().size();
        long index = entrySize == 0 ? -1 : entryOffset / entrySize;
        if (index < 0 || index >= flags.get().size()) {
            return false;
        }
        return (elf.unsigned(flags.get().offset() + index, 1) & KSYM_FLAG_GPL_ONLY) != 0;
    }

    private Optional<String> namespace(Integer label) {
        if (label == null) {
            return Optional.empty();
        }
        int shndx = symtab.sectionIndex(label);
        if (shndx == 0 || shndx >= elf.sectionCount() || !module.fits(elf.section(shndx))) {
            return Optional.empty();  // a section outside the file names no namespace
        }
        ByteBuffer data = elf.contents(elf.section(shndx));
        long at = symtab.value(label);
        if (at < 0 || at >= data.capacity()) {
            return Optional.empty();
        }
        String ns = CString.read(data, (int) at, data.capacity());
        return ns.isEmpty() ? Optional.empty() : Optional.of(ns);
    }
}
