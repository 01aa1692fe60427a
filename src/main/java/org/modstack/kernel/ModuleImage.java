package org.modstack.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFile;
import org.modstack.elf.Section;
import org.modstack.util.CString;
import org.modstack.util.Mirrors;

/**
 * The first look the loader takes at a module image ({@code elf_validity_check} and
 * {@code setup_load_info}, as 6.1 has them: the first allocated {@code .modinfo} and
 * {@code .gnu.linkonce.this_module} and the first symbol table count): each failure logs the
 * kernel's line and makes the load fail with {@code ENOEXEC}.
 */
final class ModuleImage {
    private static final int EM_X86_64 = 62;
    private static final int ET_REL = 1;
    private static final int SHT_NULL = 0;
    private static final int NAME_OFFSET = 24;
    private static final int NAME_LENGTH = 56;

    private ModuleImage() {
    }

    /** Checks {@code len} bytes of {@code image}; on success the name the kernel uses for the module. */
    @Mirrors("linux-6.1/kernel/module/main.c elf_validity_check")
    static String check(ByteBuffer image, long len, List<String> log, LoaderRules rules) throws ErrnoException {
        Invalid invalid = new Invalid(log, rules.elfReasons());
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (len < 64) {
            throw invalid.because("Invalid ELF header len " + len);
        }
        if (b.getInt(0) != 0x464c457f) {
            throw invalid.because("Invalid ELF header magic: != \u007fELF");
        }
        int type = u16(b, 16);
        if (type != ET_REL) {
            throw invalid.because("Invalid ELF header type: " + type + " != " + ET_REL);
        }
        int machine = u16(b, 18);
        if (machine != EM_X86_64 || b.get(4) != 2 || b.get(5) != 1) {
            throw invalid.because("Invalid architecture in ELF header: " + machine);
        }
        if (u16(b, 58) != 64) {
            throw invalid.because("Invalid ELF section header size");
        }
        long shoff = b.getLong(40);
        int shnum = u16(b, 60);
        int shstrndx = u16(b, 62);
        if (shoff < 0 || shoff >= len || (long) shnum * 64 > len - shoff) {
            throw invalid.because("Invalid ELF section header overflow");
        }
        if (shstrndx == 0 || shstrndx >= shnum) {
            throw invalid.because("Invalid ELF section name index: " + shstrndx + " || e_shstrndx (" + shstrndx
                    + ") >= e_shnum (" + shnum + ")");
        }
        Header strhdr = header(b, shoff, shstrndx);
        if (!strhdr.fits(len)) {
            throw invalid.because("Invalid ELF section hdr(type " + strhdr.type + ")");
        }
        if (strhdr.size == 0) {
            throw invalid.because("empty section name table");
        }
        if (b.get((int) (strhdr.offset + strhdr.size - 1)) != 0) {
            throw invalid.because("ELF Spec violation: section name table isn't null terminated");
        }
        Header zero = header(b, shoff, 0);
        if (zero.type != SHT_NULL || zero.size != 0 || zero.addr != 0) {
            throw invalid.because("ELF Spec violation: section 0 type(" + zero.type + ")!=SH_NULL or non-zero len or addr");
        }
        Header symtab = null;
        Header info = null;
        Header mod = null;
        for (int i = 1; i < shnum; i++) {
            Header h = header(b, shoff, i);
            if (h.type == SHT_NULL || h.type == Section.SHT_NOBITS) {
                continue;
            }
            if (h.type == Section.SHT_SYMTAB) {
                if (h.link == 0 || h.link >= shnum) {
                    throw invalid.because("Invalid ELF sh_link!=SHN_UNDEF(" + h.link + ") or (sh_link(" + h.link
                            + ") >= hdr->e_shnum(" + shnum + ")");
                }
                symtab = symtab == null ? h : symtab;
            }
            if (!h.fits(len)) {
                throw invalid.because("Invalid ELF section in module (section " + i + " type " + h.type + ")");
            }
            if ((h.flags & Section.SHF_ALLOC) == 0) {
                continue;
            }
            if (h.name >= strhdr.size) {
                throw invalid.because("Invalid ELF section name in module (section " + i + " type " + h.type + ")");
            }
            String name = CString.read(b, (int) (strhdr.offset + h.name), (int) (strhdr.offset + strhdr.size - 1));
            if (name.equals(".gnu.linkonce.this_module") && mod == null) {
                mod = h;
            } else if (name.equals(".modinfo") && info == null) {
                info = h;
            }
        }
        // setup_load_info: the first allocated .modinfo names the module, else struct module does
        Optional<String> infoName = info == null ? Optional.empty() : modinfoName(b, info);
        String shown = infoName.orElse("(missing .modinfo section or name field)");
        if (symtab == null) {
            throw fail(log, shown + ": module has no symbols (stripped?)");
        }
        if (mod == null) {
            throw fail(log, shown + ": No module found in object");
        }
        if (infoName.isPresent()) {
            return infoName.get();
        }
        int at = (int) mod.offset + NAME_OFFSET;
        return CString.read(b, at, at + NAME_LENGTH);
    }

    /** The {@code name=} entry of {@code .modinfo}, found as the kernel's get_modinfo finds it. */
    private static Optional<String> modinfoName(ByteBuffer b, Header info) {
        int end = (int) (info.offset + info.size);
        int at = (int) info.offset;
        while (at < end) {
            int stop = CString.terminator(b, at, end);
            String entry = CString.text(b, at, stop);
            if (entry.startsWith("name=")) {
                return Optional.of(entry.substring(5));
            }
            at = stop + 1;
        }
        return Optional.empty();
    }

    /** The module's allocated sections by name, as the loader's find_sec sees them. */
    static Optional<Section> allocated(ElfFile elf, String name) {
        for (int i = 1; i < elf.sectionCount(); i++) {
            Section s = elf.section(i);
            if ((s.flags() & Section.SHF_ALLOC) != 0 && elf.nameOf(s).equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** An ELF sanity check's failure: its own line since 6.1, one line for all before. */
    /** The refusal of an image, logged with its own reason since 6.1 (see LoaderRules#elfReasons). */
    private record Invalid(List<String> log, boolean elfReasons) {
        ErrnoException because(String reason) {
            return fail(log, elfReasons ? reason : "Module has invalid ELF structures");
        }
    }

    private static ErrnoException fail(List<String> log, String line) {
        log.add(line);
        return new ErrnoException(Errno.ENOEXEC, line);
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }

    private record Header(long name, long type, long flags, long addr, long offset, long size, long link) {
        boolean fits(long len) {
            long end = offset + size;
            return type == Section.SHT_NOBITS || (offset >= 0 && size >= 0 && end >= offset && end <= len);
        }
    }

    private static Header header(ByteBuffer b, long shoff, int i) {
        int at = (int) (shoff + i * 64L);
        return new Header(Integer.toUnsignedLong(b.getInt(at)), Integer.toUnsignedLong(b.getInt(at + 4)),
                b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24), b.getLong(at + 32),
                Integer.toUnsignedLong(b.getInt(at + 40)));
    }

}
