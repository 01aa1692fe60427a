package org.modstack.module;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFile;
import org.modstack.elf.ElfFormatException;
import org.modstack.elf.Section;
import org.modstack.elf.SymbolTable;
import org.modstack.util.CString;

/**
 * A kernel module ({@code .ko}, possibly compressed) opened for reading.
 *
 * <p>Opening reads the file and checks its ELF headers; every table is parsed on first use
 * and kept. Instances are immutable and safe to share between threads.
 *
 * <pre>{@code
 * Module m = Module.open(Path.of("/lib/modules/6.1.0-56-amd64/kernel/fs/fuse/fuse.ko"));
 * m.name();        // "fuse"
 * m.license();     // Optional[GPL]
 * m.exports();     // [Export[name=fuse_dev_alloc, gplOnly=true, ...], ...]
 * }</pre>
 */
public final class KernelModule {
    static final byte[] CRC_PREFIX = CString.bytes("__crc_");
    private static final int EM_SPARC = 2;
    private static final int EM_SPARCV9 = 43;
    private static final int VERSION_ENTRY_SIZE = 64;

    private final ModuleFile file;
    private final ElfFile elf;
    private final String name;
    private final CString.Decoder symbolNames;
    private List<ModinfoEntry> modinfo;
    private List<Export> exports;
    private List<Import> imports;
    private List<SymbolVersion> versions;
    private List<SymbolVersion> provided;
    private List<Import> required;
    private List<SymbolVersion> rawVersions;
    private Map<String, Integer> firstVersionEntries;
    private Optional<ModuleSignature> signature;

    private KernelModule(ModuleFile file, ElfFile elf, CString.Decoder symbolNames) {
        this.file = file;
        this.elf = elf;
        this.name = ModuleName.fromPath(file.path().toString());
        this.symbolNames = symbolNames;
    }

    /**
     * Opens the module at {@code path}, decompressing it when its first bytes say so.
     *
     * @throws ErrnoException with the errno libkmod would report for the same file
     */
    public static KernelModule open(Path path) throws ErrnoException {
        return of(ModuleFile.read(path));
    }

    /**
     * The module in a file already read.
     *
     * @throws ElfFormatException when its image is not an ELF file this reader accepts
     */
    public static KernelModule of(ModuleFile file) throws ElfFormatException {
        return of(file, CString.PLAIN);
    }

    /**
     * The module in a file already read, whose symbol names ({@link #imports},
     * {@link #providedSymbols}, {@link #requiredSymbols}) are made Strings by {@code symbolNames}.
     *
     * @throws ElfFormatException when its image is not an ELF file this reader accepts
     */
    public static KernelModule of(ModuleFile file, CString.Decoder symbolNames) throws ElfFormatException {
        return new KernelModule(file, ElfFile.read(file.image()), symbolNames);
    }

    /**
     * A module over an image already in memory (what {@code init_module(2)} receives), named
     * after {@code path}.
     *
     * @throws ElfFormatException when the image is not an ELF file this reader accepts
     */
    public static KernelModule fromImage(Path path, ByteBuffer image) throws ElfFormatException {
        ByteBuffer ro = image.asReadOnlyBuffer();
        return new KernelModule(new ModuleFile(path, Compression.NONE, ro), ElfFile.read(ro), CString.PLAIN);
    }

    /** The name kmod derives from the file name (see {@link ModuleName#fromPath}). */
    public String name() {
        return name;
    }

    /** The file this module was read from. */
    public Path path() {
        return file.path();
    }

    /** How the file was compressed. */
    public Compression compression() {
        return file.compression();
    }

    /** The module's ELF image. */
    public ElfFile elf() {
        return elf;
    }

    /** The uncompressed image, signature included. */
    public ByteBuffer image() {
        return file.image().duplicate();
    }

    /**
     * The {@code .modinfo} entries in file order, repeated keys kept.
     *
     * @throws ErrnoException {@link Errno#ENOENT} when the module has no {@code .modinfo}
     */
    public synchronized List<ModinfoEntry> modinfo() throws ErrnoException {
        if (modinfo == null) {
            Optional<Section> section = elf.section(".modinfo");
            if (section.isEmpty()) {
                throw new ErrnoException(Errno.ENOENT, path() + ": no .modinfo section");
            }
            List<ModinfoEntry> entries = new ArrayList<>();
            for (String s : CString.split(elf.contents(section.get()))) {
                entries.add(ModinfoEntry.parse(s));
            }
            modinfo = List.copyOf(entries);
        }
        return modinfo;
    }

    /**
     * The {@code .modinfo} entries of the given keys, in file order, as {@link #modinfo()}
     * gives them; only those are decoded (the entries depmod never reads were a tenth of a full
     * run's garbage). None without a {@code .modinfo}.
     */
    public List<ModinfoEntry> modinfo(List<String> keys) {
        Optional<Section> section = elf.section(".modinfo");
        return section.isEmpty() ? List.of() : ModinfoEntry.pick(elf.contents(section.get()), keys);
    }

    /** Every value of {@code key} in {@code .modinfo}, in file order; none without a {@code .modinfo}. */
    public List<String> modinfoValues(String key) {
        List<String> values = new ArrayList<>();
        for (ModinfoEntry e : modinfoOrEmpty()) {
            if (e.key().equals(key)) {
                values.add(e.value());
            }
        }
        return values;
    }

    /** The first value of {@code key}; the kernel, too, heeds only the first. */
    public Optional<String> modinfoValue(String key) {
        List<String> values = modinfoValues(key);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    private List<ModinfoEntry> modinfoOrEmpty() {
        try {
            return modinfo();
        } catch (ErrnoException e) {
            return List.of();
        }
    }

    /** The module's {@code vermagic} string. */
    public Optional<String> vermagic() {
        return modinfoValue("vermagic");
    }

    /** The module's licence; only the first {@code license} entry counts. */
    public Optional<String> license() {
        return modinfoValue("license");
    }

    /** The modules named in {@code depends=}, as modpost computed them at build time. */
    public List<String> depends() {
        Optional<String> depends = modinfoValue("depends");
        return depends.isEmpty() || depends.get().isEmpty() ? List.of() : List.of(depends.get().split(","));
    }

    /** The {@code alias} patterns, in file order. */
    public List<String> aliases() {
        return modinfoValues("alias");
    }

    /** The {@code softdep} values ({@code pre: a b post: c}), in file order. */
    public List<String> softdeps() {
        return modinfoValues("softdep");
    }

    /** The namespaces the module imports ({@code MODULE_IMPORT_NS}). */
    public List<String> importedNamespaces() {
        return modinfoValues("import_ns");
    }

    /** The module's parameters, in order of first appearance. */
    public List<Parameter> parameters() {
        return Parameter.of(modinfoOrEmpty()).parameters();
    }

    /**
     * The symbols this module exports, in {@code .symtab} order: each {@code __ksymtab_<sym>}
     * label, GPL-only when it lies in {@code __ksymtab_gpl} (before 7.x) or when its entry's byte
     * in {@code __kflagstab} has {@code KSYM_FLAG_GPL_ONLY} (7.x), with the namespace its
     * {@code __kstrtabns_<sym>} label points at and the CRC of its {@code __crc_<sym>}.
     *
     * @throws ElfFormatException when the symbol table is missing or malformed
     */
    public synchronized List<Export> exports() throws ElfFormatException {
        if (exports == null) {
            exports = new ExportTable(this, elf.symbols()).exports();
        }
        return exports;
    }

    /**
     * A {@code __crc_} symbol's CRC as libkmod resolves it: the symbol's value for an absolute
     * or undefined symbol, else a u32 at that offset in its section; all ones when out of range.
     */
    long resolveCrc(SymbolTable symtab, int i) {
        long value = symtab.value(i);
        int shndx = symtab.sectionIndex(i);
        if (shndx == SymbolTable.SHN_ABS || shndx == SymbolTable.SHN_UNDEF) {
            return value;
        }
        if (shndx >= elf.sectionCount() || !fits(elf.section(shndx))) {
            return 0xFFFF_FFFF_FFFF_FFFFL;
        }
        Section s = elf.section(shndx);
        // kmod compares against size - 4 unsigned, so a section under 4 bytes passes the check;
        // a read past the image is where kmod would abort, all ones is what it returns without.
        if (Long.compareUnsigned(value, s.size() - 4) > 0 || s.offset() + value + 4 > elf.size() || value < 0) {
            return 0xFFFF_FFFF_FFFF_FFFFL;
        }
        return elf.unsigned(s.offset() + value, 4);
    }

    boolean fits(Section s) {
        return s.offset() >= 0 && s.size() >= 0 && s.offset() + s.size() <= elf.size();
    }

    /**
     * The module's undefined symbols in {@code .symtab} order, each with the CRC its
     * {@code __versions} entry expects.
     *
     * @throws ElfFormatException when the symbol table is missing or malformed
     */
    public synchronized List<Import> imports() throws ElfFormatException {
        if (imports == null) {
            SymbolTable symtab = elf.symbols();
            List<SymbolVersion> table = rawVersions();
            Map<String, Integer> firstEntry = firstVersionEntries();
            boolean sparc = elf.machine() == EM_SPARC || elf.machine() == EM_SPARCV9;
            List<Import> out = new ArrayList<>();
            for (int i = 1; i < symtab.count(); i++) {
                if (symtab.sectionIndex(i) != SymbolTable.SHN_UNDEF || (sparc && symtab.type(i) == SymbolTable.STT_REGISTER)) {
                    continue;
                }
                if (!symtab.hasValidName(i)) {
                    throw new ElfFormatException(Errno.EINVAL, "symbol " + i + " has its name outside .strtab");
                }
                String sym = symtab.name(i, symbolNames);
                if (sym.isEmpty()) {
                    continue;
                }
                Integer at = firstEntry.get(sym);
                out.add(new Import(sym, symtab.binding(i) == SymbolTable.STB_WEAK,
                        at == null ? OptionalLong.empty() : OptionalLong.of(table.get(at).crc())));
            }
            imports = List.copyOf(out);
        }
        return imports;
    }

    /**
     * The symbols depmod records this module as providing, in {@code .symtab} order: one per
     * {@code __crc_<sym>} label with its CRC. A module built without modversions has no such
     * labels; depmod then takes every string of {@code __ksymtab_strings} as a symbol with CRC 0
     * (on kernels with namespaces, the namespace names too, as kmod does).
     */
    public synchronized List<SymbolVersion> providedSymbols() {
        if (provided == null) {
            provided = readProvided();
        }
        return provided;
    }

    private List<SymbolVersion> readProvided() {
        try {
            SymbolTable symtab = elf.symbols();
            List<SymbolVersion> out = new ArrayList<>();
            for (int i = 1; i < symtab.count(); i++) {
                if (!symtab.hasValidName(i)) {
                    return ksymtabStrings();
                }
                if (symtab.nameStartsWith(i, CRC_PREFIX)) {
                    String sym = symtab.nameAfter(i, CRC_PREFIX.length, symbolNames);
                    out.add(new SymbolVersion(sym, resolveCrc(symtab, i)));
                }
            }
            return out.isEmpty() ? ksymtabStrings() : List.copyOf(out);
        } catch (ElfFormatException e) {
            return ksymtabStrings();
        }
    }

    private List<SymbolVersion> ksymtabStrings() {
        Optional<Section> strings = elf.section("__ksymtab_strings");
        if (strings.isEmpty()) {
            return List.of();
        }
        return CString.split(elf.contents(strings.get()), symbolNames).stream()
                .map(n -> new SymbolVersion(n, 0)).toList();
    }

    /**
     * The symbols depmod resolves to find this module's dependencies: every named undefined
     * symbol (as {@link #imports()}), then each {@code __versions} entry no undefined symbol
     * claimed ({@code module_layout} and the like), in table order.
     *
     * @throws ElfFormatException when the symbol table is missing or malformed
     */
    public synchronized List<Import> requiredSymbols() throws ElfFormatException {
        if (required == null) {
            List<Import> imports = imports();
            List<SymbolVersion> table = rawVersions();
            boolean[] claimed = new boolean[table.size()];
            Map<String, Integer> firstEntry = firstVersionEntries();
            for (Import imp : imports) {
                Integer at = firstEntry.get(imp.name());
                if (at != null) {
                    claimed[at] = true;
                }
            }
            List<Import> out = new ArrayList<>(imports);
            for (int i = 0; i < table.size(); i++) {
                if (!claimed[i]) {
                    out.add(new Import(table.get(i).name(), false, OptionalLong.of(table.get(i).crc())));
                }
            }
            required = List.copyOf(out);
        }
        return required;
    }

    /**
     * The {@code __versions} table, leading {@code .} stripped from names; empty when the module
     * has none or it is not a whole number of 64-byte entries.
     */
    public synchronized List<SymbolVersion> versions() {
        if (versions == null) {
            List<SymbolVersion> out = new ArrayList<>();
            for (SymbolVersion v : rawVersions()) {
                String n = v.name().startsWith(".") ? v.name().substring(1) : v.name();
                out.add(new SymbolVersion(n, v.crc()));
            }
            versions = List.copyOf(out);
        }
        return versions;
    }

    /**
     * The {@code __versions} table as libkmod's {@code kmod_module_get_versions} reads it for
     * {@code modprobe --show-modversions}, as {@link #versions()} gives it.
     *
     * @throws ErrnoException ENOENT without the section, EINVAL when its size is not a whole
     *     number of entries
     */
    public List<SymbolVersion> versionTable() throws ErrnoException {
        Optional<Section> table = elf.section("__versions");
        if (table.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, path() + ": no __versions section");
        }
        if (table.get().size() % VERSION_ENTRY_SIZE != 0) {
            throw new ErrnoException(Errno.EINVAL, path() + ": __versions is not a whole number of entries");
        }
        return versions();
    }

    /** Each name's first entry in {@link #rawVersions}, by its index there. */
    private Map<String, Integer> firstVersionEntries() {
        if (firstVersionEntries == null) {
            List<SymbolVersion> table = rawVersions();
            firstVersionEntries = new HashMap<>(table.size() * 4 / 3 + 1);  // never rehashed
            for (int i = 0; i < table.size(); i++) {
                firstVersionEntries.putIfAbsent(table.get(i).name(), i);
            }
        }
        return firstVersionEntries;
    }

    /** {@code __versions} entries with names exactly as stored. */
    private List<SymbolVersion> rawVersions() {
        if (rawVersions == null) {
            rawVersions = readVersions();
        }
        return rawVersions;
    }

    private List<SymbolVersion> readVersions() {
        Optional<Section> section = elf.section("__versions");
        if (section.isEmpty() || section.get().size() % VERSION_ENTRY_SIZE != 0) {
            return List.of();
        }
        ByteBuffer data = elf.contents(section.get());
        int crcSize = elf.is64Bit() ? 8 : 4;
        List<SymbolVersion> out = new ArrayList<>();
        for (int at = 0; at < data.capacity(); at += VERSION_ENTRY_SIZE) {
            long crc = crcSize == 8 ? data.getLong(at) : Integer.toUnsignedLong(data.getInt(at));
            // kmod reads the name up to its NUL, past the entry if it has none
            out.add(new SymbolVersion(elf.string(section.get().offset() + at + crcSize, symbolNames), crc));
        }
        return out;
    }

    /** The appended signature, when the module carries one libkmod can show. */
    public synchronized Optional<ModuleSignature> signature() {
        if (signature == null) {
            signature = ModuleSignature.find(file.image());
        }
        return signature;
    }
}
