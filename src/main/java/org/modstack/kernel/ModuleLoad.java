package org.modstack.kernel;

import static org.modstack.kernel.VirtualKernel.IGNORE_MODVERSIONS;
import static org.modstack.kernel.VirtualKernel.IGNORE_VERMAGIC;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFile;
import org.modstack.elf.ElfFormatException;
import org.modstack.elf.SymbolTable;
import org.modstack.module.Export;
import org.modstack.module.KernelModule;

/**
 * One {@code load_module()} call, step by step in the kernel's order: each check logs what the
 * kernel logs and fails with the errno the syscall returns.
 */
final class ModuleLoad {

    private final VirtualKernel k;
    private final KernelDescription kernel;
    private final LoaderRules rules;
    private final BootState state;
    private final ByteBuffer image;
    private final String args;
    private final int flags;
    private final List<String> log;
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private final List<String> uses = new ArrayList<>();
    private long len;
    private boolean sigOk;
    private String name;
    private ElfFile elf;
    private KernelModule module;
    private boolean hasVersions;
    private boolean usesGplOnly;

    ModuleLoad(VirtualKernel k, ByteBuffer image, String args, int flags) {
        this.k = k;
        this.kernel = k.description();
        this.rules = kernel.rules();
        this.state = k.state();
        this.log = state.log;
        this.image = image;
        this.args = args;
        this.flags = flags;
        this.len = image.remaining();
    }

    void run() throws ErrnoException {
        checkSignature();
        name = ModuleImage.check(image, len, log, rules);
        openElf();
        if (kernel.moduleBlacklist().contains(name)) {
            k.log("Module " + name + " is blacklisted");
            throw fail(Errno.EPERM);
        }
        hasVersions = (flags & IGNORE_MODVERSIONS) == 0 && ModuleImage.allocated(elf, "__versions").isPresent();
        if (!checkVersion("module_layout", kernel.exports().get("module_layout"))) {
            throw fail(Errno.ENOEXEC);
        }
        checkVermagic();
        if (!rules.taintsOnceListed()) {
            taintFromModinfo();
        }
        long size = coreSize();
        if (state.module(name).isPresent()) {
            throw fail(Errno.EEXIST);
        }
        if (rules.taintsOnceListed()) {
            augmentTaints();
        } else {
            taintUnsigned();
        }
        List<KernelSymbol> exports = exports();
        try {
            checkImportedNamespaces();
            resolveSymbols();
            checkDuplicateExports(exports);
            List<ModuleParam> declared = parameters();
            Map<String, String> values = ModuleArgs.apply(name, args, declared, log);
            if (kernel.builtinHasSysfs(name)) {
                k.log(name + ": module is already loaded");
                throw fail(Errno.EINVAL);
            }
            int init = state.initResults.getOrDefault(name, 0);
            if (init < 0) {
                throw fail(Errno.ofNumber(-init).orElse(Errno.EINVAL));
            }
            state.add(new LoadedModule(name, size, state.allocate(size), LoadedModule.State.LIVE,
                    Set.copyOf(taints), List.of(), List.copyOf(uses), 0, has("init_module"), has("cleanup_module"),
                    exports, sysfsParameters(declared, values), usesGplOnly, modinfoFiles()));
        } catch (ErrnoException f) {
            k.release(name, uses);  // module_unload_free: the uses taken while resolving go
            throw f;
        }
    }

    /** The unsigned-module taint: after the module list takes the module, once per boot its notice. */
    private void taintUnsigned() {
        if (kernel.config().moduleSig() && !sigOk) {
            if (state.once.add("module_sig")) {
                k.log(name + ": module verification failed: signature and/or required key missing - tainting kernel");
            }
            taintModule(Taint.UNSIGNED_MODULE, false);
        }
    }

    /** setup_modinfo (7.2): a module may not import a {@code module:} namespace itself. */
    private void checkImportedNamespaces() throws ErrnoException {
        if (!rules.moduleNamespaces()) {
            return;
        }
        for (String ns : module.modinfoValues("import_ns")) {
            if (Namespaces.restrictedToModules(ns)) {
                k.log(name + ": module tries to import module namespace: " + ns);
                throw fail(Errno.EPERM);
            }
        }
    }

    /**
     * setup_modinfo: the {@code version} and {@code srcversion} attributes (and since 7.2
     * {@code import_ns}), for a module that has them.
     */
    private List<String> modinfoFiles() {
        List<String> keys = rules.importNsAttribute() ? List.of("import_ns", "srcversion", "version")
                : List.of("srcversion", "version");
        List<String> files = new ArrayList<>();
        for (String key : keys) {
            if (!module.modinfoValues(key).isEmpty()) {
                files.add(key);
            }
        }
        return files;
    }

    /** module_sig_check: the image's length without its signature, and whether the signature held. */
    private void checkSignature() throws ErrnoException {
        ModuleSigCheck check = new ModuleSigCheck(kernel, image, flags, k.logger());
        try {
            sigOk = check.run();
        } finally {
            len = check.length();
        }
    }

    private void openElf() throws ErrnoException {
        try {
            ByteBuffer body = image.duplicate().position(0).limit((int) len).slice();
            module = KernelModule.fromImage(Path.of(name + ".ko"), body);
            elf = module.elf();
            if (!ModuleImage.allocated(elf, ".gnu.linkonce.this_module").isPresent()) {
                k.log(name + ": No module found in object");
                throw fail(Errno.ENOEXEC);
            }
        } catch (ElfFormatException e) {
            throw fail(Errno.ENOEXEC);
        }
    }

    /** check_modinfo: the version magic, or the force-load path without one. */
    private void checkVermagic() throws ErrnoException {
        Optional<String> magic = (flags & IGNORE_VERMAGIC) != 0 ? Optional.empty() : modinfo("vermagic");
        if (magic.isEmpty()) {
            forceLoad("bad vermagic");
        } else if (!VirtualKernel.sameMagic(magic.get(), kernel.vermagic(),
                hasVersions && kernel.config().modversions())) {
            k.log(name + ": version magic '" + magic.get() + "' should be '" + kernel.vermagic() + "'");
            throw fail(Errno.ENOEXEC);
        }
    }

    /**
     * module_augment_kernel_taints (6.12 on): the .modinfo taints, the unsigned one, then a line
     * for a licence that tainted the kernel first.
     */
    private void augmentTaints() {
        boolean wasProprietary = k.tainted(Taint.PROPRIETARY_MODULE);
        taintFromModinfo();
        taintUnsigned();
        if (!wasProprietary && k.tainted(Taint.PROPRIETARY_MODULE)) {
            k.log(name + ": module license taints kernel.");
        }
    }

    /** The taints the module's .modinfo implies (check_modinfo up to 6.1, module_augment_kernel_taints since). */
    private void taintFromModinfo() {
        boolean wasProprietary = k.tainted(Taint.PROPRIETARY_MODULE);
        if (modinfo("intree").isEmpty()) {
            if (!k.tainted(Taint.OOT_MODULE)) {
                k.log(name + ": loading out-of-tree module taints kernel.");
            }
            taintModule(Taint.OOT_MODULE, false);
        }
        if (modinfo("staging").isPresent()) {
            taintModule(Taint.CRAP, false);
            k.log(name + ": module is from the staging directory, the quality is unknown, you have been warned.");
        }
        String license = modinfo("license").orElse("unspecified");
        if (!License.isGplCompatible(license)) {
            if (!wasProprietary) {
                k.log(name + ": module license '" + license + "' taints kernel.");
            }
            taintModule(Taint.PROPRIETARY_MODULE, true);
        }
        if (modinfo("test").isPresent() && rules.testTaint()) {
            if (!k.tainted(Taint.TEST)) {
                k.log(name + ": loading test module taints kernel.");
            }
            taintModule(Taint.TEST, false);
        }
    }

    private long coreSize() throws ErrnoException {
        try {
            return ModuleLayout.coreSize(elf, kernel.config(), kernel.rules(), (flags & IGNORE_MODVERSIONS) != 0);
        } catch (ElfFormatException e) {
            throw fail(Errno.ENOEXEC);
        }
    }

    /**
     * find_module_sections and check_export_symbol_sections: the module's exports; exports without
     * CRCs under modversions force the load. Since 7.2 GPL-only is a flag per export: the old
     * {@code __ksymtab_gpl} is ignored with a warning, and exports without flags refuse the load.
     */
    private List<KernelSymbol> exports() throws ErrnoException {
        boolean flagged = rules.exportFlags();
        boolean hasFlags = ModuleImage.allocated(elf, "__kflagstab").isPresent();
        if (flagged) {
            for (String obsolete : List.of("__ksymtab_gpl", "__kcrctab_gpl")) {
                if (ModuleImage.allocated(elf, obsolete).isPresent()) {
                    k.log(name + ": ignoring obsolete section " + obsolete);
                }
            }
        }
        List<KernelSymbol> out = new ArrayList<>();
        boolean missingCrc = false;
        try {
            for (Export e : module.exports()) {
                if (flagged && e.gplOnly() && !hasFlags) {
                    continue;  // from __ksymtab_gpl
                }
                out.add(new KernelSymbol(e.name(), e.gplOnly(), e.namespace().orElse(""), e.crc()));
                missingCrc |= e.crc().isEmpty();
            }
        } catch (ElfFormatException e) {
            throw fail(Errno.ENOEXEC);
        }
        if (flagged && !out.isEmpty() && !hasFlags) {
            k.log(name + ": no flags for exported symbols");
            throw fail(Errno.ENOEXEC);
        }
        if (kernel.config().modversions() && missingCrc) {
            forceLoad("no versions for exported symbols");
        }
        return List.copyOf(out);
    }

    /** simplify_symbols: every undefined symbol resolved; all failures logged, the last returned. */
    private void resolveSymbols() throws ErrnoException {
        SymbolTable symtab;
        try {
            symtab = elf.symbols();
        } catch (ElfFormatException e) {
            throw fail(Errno.ENOEXEC);
        }
        Errno last = null;
        for (int i = 1; i < symtab.count(); i++) {
            int shndx = symtab.sectionIndex(i);
            if (shndx == SymbolTable.SHN_COMMON) {
                k.log(name + ": please compile with -fno-common");
                last = Errno.ENOEXEC;
            } else if (shndx == SymbolTable.SHN_UNDEF) {
                String sym = symtab.name(i);
                try {
                    resolve(sym);
                } catch (ErrnoException e) {
                    // not found is fine for a weak reference, or for the GOT symbol x86 ignores
                    boolean excused = symtab.binding(i) == SymbolTable.STB_WEAK || sym.equals("_GLOBAL_OFFSET_TABLE_");
                    if (!(e.errno() == Errno.ENOENT && excused)) {
                        k.log(name + ": Unknown symbol " + sym + " (err -" + e.errno().number() + ")");
                        last = e.errno();
                    }
                }
            }
        }
        if (last != null) {
            throw fail(last);
        }
    }

    /** resolve_symbol: the symbol found for this module, a use recorded on its owner; else the error. */
    private void resolve(String sym) throws ErrnoException {
        boolean gplOk = !taints.contains(Taint.PROPRIETARY_MODULE);
        VirtualKernel.Found found = k.find(sym, gplOk);
        if (found == null) {
            throw fail(Errno.ENOENT);
        }
        if (found.symbol().gplOnly()) {
            usesGplOnly = true;
        }
        if (found.owner() != null && found.owner().taints().contains(Taint.PROPRIETARY_MODULE)) {
            inheritTaint(sym, found.owner().name());
        }
        if (!checkVersion(sym, found.symbol())) {
            throw fail(Errno.EINVAL);
        }
        String ns = found.symbol().namespace();
        if (!ns.isEmpty() && !Namespaces.importable(ns, name, module.modinfoValues("import_ns"), rules)) {
            k.log(name + ": module uses symbol (" + sym + ") from namespace " + ns + ", but does not import it.");
            if (!kernel.config().missingNamespaceImportsAllowed()) {
                throw fail(Errno.EINVAL);
            }
        }
        if (found.owner() != null && !uses.contains(found.owner().name())) {
            if (found.owner().state() == LoadedModule.State.COMING) {
                throw fail(Errno.EBUSY);
            }
            uses.add(found.owner().name());
            k.use(name, found.owner());
        }
    }

    /** inherit_taint: a symbol from a proprietary module; 5.10's messages do not name the symbol. */
    private void inheritTaint(String sym, String owner) throws ErrnoException {
        String symbols = rules.inheritedTaintNamesSymbol() ? "symbols " + sym : "symbols";
        if (usesGplOnly) {
            k.log(name + ": module using GPL-only symbols uses " + symbols + " from proprietary module " + owner + ".");
            throw fail(Errno.ENOENT);
        }
        if (!taints.contains(Taint.PROPRIETARY_MODULE)) {
            k.log(name + ": module uses " + symbols + " from proprietary module " + owner + ", inheriting taint.");
            taints.add(Taint.PROPRIETARY_MODULE);  // the module's bit only: the kernel is P already
        }
    }

    /** check_version: the module's __versions CRC for a symbol against the exporter's. */
    private boolean checkVersion(String sym, KernelSymbol exported) throws ErrnoException {
        if (!kernel.config().modversions() || exported == null || exported.crc().isEmpty()) {
            return true;
        }
        if (!hasVersions) {
            forceLoad(sym);
            return true;
        }
        for (var v : module.versions()) {
            if (v.name().equals(sym)) {
                if ((v.crc() & 0xffffffffL) == (exported.crc().getAsLong() & 0xffffffffL)) {
                    return true;
                }
                k.log(name + ": disagrees about version of symbol " + sym);
                return false;
            }
        }
        k.log(name + ": no symbol version for " + sym);
        return false;
    }

    /** verify_exported_symbols: the first export someone else already has fails the load. */
    private void checkDuplicateExports(List<KernelSymbol> exports) throws ErrnoException {
        List<KernelSymbol> ordered = new ArrayList<>();
        for (KernelSymbol e : exports) {
            if (!e.gplOnly()) {
                ordered.add(e);
            }
        }
        for (KernelSymbol e : exports) {
            if (e.gplOnly()) {
                ordered.add(e);
            }
        }
        for (KernelSymbol e : ordered) {
            VirtualKernel.Found f = k.find(e.name(), true);
            if (f != null) {
                k.log(name + ": exports duplicate symbol " + e.name() + " (owned by "
                        + (f.owner() == null ? "kernel" : f.owner().name()) + ")");
                throw fail(Errno.ENOEXEC);
            }
        }
    }

    private void forceLoad(String reason) throws ErrnoException {
        if (!kernel.config().forceLoad()) {
            throw fail(Errno.ENOEXEC);
        }
        if (!k.tainted(Taint.FORCED_MODULE)) {
            k.log(name + ": " + reason + ": kernel tainted.");
        }
        taintModule(Taint.FORCED_MODULE, true);
    }

    private void taintModule(Taint t, boolean lockdepUnreliable) {
        k.addTaint(t, lockdepUnreliable);
        taints.add(t);
    }

    private Optional<String> modinfo(String key) {
        return module.modinfoValue(key);
    }

    private boolean has(String symbol) {
        try {
            SymbolTable s = elf.symbols();
            for (int i = 1; i < s.count(); i++) {
                if (s.sectionIndex(i) != 0 && s.name(i).equals(symbol)) {
                    return true;
                }
            }
        } catch (ElfFormatException e) {
            return false;
        }
        return false;
    }

    private List<ModuleParam> parameters() throws ErrnoException {
        try {
            return ModuleParam.read(elf);
        } catch (ElfFormatException e) {
            throw fail(Errno.ENOEXEC);
        }
    }

    private static List<LoadedModule.Parameter> sysfsParameters(List<ModuleParam> declared,
                                                                Map<String, String> values) {
        List<LoadedModule.Parameter> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ModuleParam p : declared) {
            if (seen.add(p.name())) {
                out.add(new LoadedModule.Parameter(p.name(), p.perm(), values.get(p.name())));
            }
        }
        return List.copyOf(out);
    }

    private ErrnoException fail(Errno errno) {
        return new ErrnoException(errno, "init_module " + (name == null ? "" : name) + ": " + errno.message());
    }
}
