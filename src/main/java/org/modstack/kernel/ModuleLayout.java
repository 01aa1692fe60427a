package org.modstack.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.elf.ElfFile;
import org.modstack.elf.ElfFormatException;
import org.modstack.elf.Section;
import org.modstack.elf.SymbolTable;

/**
 * The size of a module's core image as the loader lays it out ({@code layout_sections} then
 * {@code layout_symtab}): what {@code /proc/modules} and {@code coresize} show once init is done.
 *
 * <p>Allocated sections that are not init sections go in four groups, each group's sections in
 * file order and aligned as they ask: code, read-only data, read-only-after-init data, writable
 * data. The symbols kallsyms keeps (with their names and a type byte each) follow the data. Up to
 * 6.1 the core is one allocation: with strict module RWX each group ends on a page boundary, the
 * symbols get pages of their own, and the whole is page-aligned again. Since 6.12 each group is an
 * allocation of its own, rounded up to a page, and the symbols share the data's.
 */
final class ModuleLayout {
    private static final long PAGE = 4096;
    private static final int ELF64_SYM_SIZE = 24;
    private static final int DATA = 3;
    /** The group each of layout_sections' masks fills: its memory type since 6.12. */
    private static final int[] GROUP = {0, 1, 2, DATA, DATA};
    private static final long[][] MASKS = {
        {Section.SHF_EXECINSTR | Section.SHF_ALLOC, 0},
        {Section.SHF_ALLOC, Section.SHF_WRITE},
        {Section.SHF_RO_AFTER_INIT | Section.SHF_ALLOC, 0},
        {Section.SHF_WRITE | Section.SHF_ALLOC, 0},
        {Section.SHF_ALLOC, 0},
    };

    private ModuleLayout() {
    }

    /**
     * The core size of a module, whose {@code .modinfo} and per-cpu sections do not count, nor
     * {@code __versions} unless the load ignores modversions (the loader then never finds it,
     * so leaves it allocated).
     */
    static long coreSize(ElfFile elf, KernelConfig config, LoaderRules rules, boolean ignoreModversions)
            throws ElfFormatException {
        int n = elf.sectionCount();
        long[] flags = new long[n];
        boolean[] placed = new boolean[n];
        int pcpu = 0;
        for (int i = 0; i < n; i++) {
            Section s = elf.section(i);
            String name = elf.nameOf(s);
            flags[i] = s.flags();
            if ((name.equals("__versions") && !ignoreModversions) || name.equals(".modinfo")) {
                flags[i] &= ~Section.SHF_ALLOC;
            }
            if (name.equals(".data..percpu") && (s.flags() & Section.SHF_ALLOC) != 0) {
                pcpu = i;
                flags[i] &= ~Section.SHF_ALLOC;
            }
            if (readOnlyAfterInit(name, rules)) {
                flags[i] |= Section.SHF_RO_AFTER_INIT;
            }
            // init sections go to the init layout, freed after init
            placed[i] = name.startsWith(".init");
        }
        return rules.memoryPerType() ? perType(elf, flags, placed, pcpu, config)
                : contiguous(elf, flags, placed, pcpu, config);
    }

    private static boolean readOnlyAfterInit(String section, LoaderRules rules) {
        return section.equals(".data..ro_after_init") || section.equals("__jump_table")
                || (section.equals(".static_call_sites") && rules.staticCallSitesReadOnlyAfterInit());
    }

    /** Up to 6.1: one allocation, its groups and then its symbols each starting on a page. */
    private static long contiguous(ElfFile elf, long[] flags, boolean[] placed, int pcpu, KernelConfig config)
            throws ElfFormatException {
        long size = 0;
        for (int m = 0; m < MASKS.length; m++) {
            for (int i = 0; i < flags.length; i++) {
                if (takes(m, flags[i], placed[i])) {
                    size = place(size, elf.section(i));
                    placed[i] = true;
                }
            }
            if (m < 3 || m == 4) {
                size = strictAlign(size, config);
            }
        }
        return strictAlign(symtab(elf, flags, pcpu, size, config), config);
    }

    /** Since 6.12: an allocation per memory type, each rounded up to a page; the symbols go with the data. */
    private static long perType(ElfFile elf, long[] flags, boolean[] placed, int pcpu, KernelConfig config)
            throws ElfFormatException {
        long[] group = new long[DATA + 1];
        for (int m = 0; m < MASKS.length; m++) {
            for (int i = 0; i < flags.length; i++) {
                if (takes(m, flags[i], placed[i])) {
                    group[GROUP[m]] = place(group[GROUP[m]], elf.section(i));
                    placed[i] = true;
                }
            }
        }
        group[DATA] = symtab(elf, flags, pcpu, group[DATA], config);
        long size = 0;
        for (long g : group) {
            size += align(g, PAGE);
        }
        return size;
    }

    private static boolean takes(int m, long flags, boolean placed) {
        return (flags & MASKS[m][0]) == MASKS[m][0] && (flags & MASKS[m][1]) == 0 && !placed;
    }

    private static long place(long at, Section s) {
        return align(at, s.addralign()) + s.size();
    }

    /** layout_symtab: the core symbols, their names, and one type byte each, after the data. */
    private static long symtab(ElfFile elf, long[] flags, int pcpu, long size, KernelConfig config)
            throws ElfFormatException {
        SymbolTable symbols = elf.symbols();
        long strtab = 0;
        long kept = 0;
        for (int i = 0; i < symbols.count(); i++) {
            if (i == 0 || isCore(elf, symbols, i, flags, pcpu, config)) {
                strtab += symbols.name(i).getBytes(StandardCharsets.ISO_8859_1).length + 1;
                kept++;
            }
        }
        Optional<Section> found = elf.section(".symtab");
        if (found.isEmpty()) {
            throw new ElfFormatException(Errno.ENOEXEC, "no .symtab");
        }
        Section symtab = found.get();
        long at = align(size, symtab.addralign());
        return at + kept * ELF64_SYM_SIZE + strtab + kept;
    }

    private static boolean isCore(ElfFile elf, SymbolTable symbols, int i, long[] flags, int pcpu, KernelConfig config) {
        int shndx = symbols.sectionIndex(i);
        if (shndx == 0 || shndx >= elf.sectionCount() || symbols.nameOffset(i) == 0) {
            return false;
        }
        if (config.kallsymsAll() && shndx == pcpu) {
            return true;
        }
        long f = flags[shndx];
        String section = elf.nameOf(elf.section(shndx));
        return (f & Section.SHF_ALLOC) != 0 && (config.kallsymsAll() || (f & Section.SHF_EXECINSTR) != 0)
                && !section.startsWith(".init");
    }

    private static long strictAlign(long size, KernelConfig config) {
        return config.strictModuleRwx() ? align(size, PAGE) : size;
    }

    private static long align(long size, long alignment) {
        long a = alignment == 0 ? 1 : alignment;
        return (size + a - 1) / a * a;
    }
}
