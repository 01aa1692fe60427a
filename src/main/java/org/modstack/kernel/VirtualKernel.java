package org.modstack.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.modstack.Errno;
import org.modstack.elf.ElfFile;
import org.modstack.elf.ElfFormatException;
import org.modstack.elf.SymbolTable;
import org.modstack.modprobe.KernelState;
import org.modstack.module.Export;
import org.modstack.module.KernelModule;
import org.modstack.module.ModuleSignature;

/**
 * A model of a running kernel's module loader: {@code init_module}/{@code finit_module} and
 * {@code delete_module} follow the kernel's rules in the kernel's order, log what it logs and
 * fail with the errno it returns; the module list, the taint mask and the log are its state.
 *
 * <p>A module's init code cannot run here: it succeeds, unless a result was scripted for it
 * with {@link #scriptInit}. Not thread-safe; {@link KernelStore} serializes access.
 */
public final class VirtualKernel {
    /** {@code MODULE_INIT_IGNORE_MODVERSIONS}: load as if the module had no {@code __versions}. */
    public static final int IGNORE_MODVERSIONS = 1;
    /** {@code MODULE_INIT_IGNORE_VERMAGIC}: load as if the module had no vermagic. */
    public static final int IGNORE_VERMAGIC = 2;
    /** {@code O_NONBLOCK} for delete_module (libkmod always passes it). */
    public static final int O_NONBLOCK = 04000;
    /** {@code O_TRUNC} for delete_module: force. */
    public static final int O_TRUNC = 01000;

    private static final byte[] SIG_MARKER = ModuleSignature.MAGIC;
    private static final int PKEY_ID_PKCS7 = 2;

    private final KernelDescription kernel;
    private final BootState state;

    /** A kernel described by {@code kernel}, in state {@code state} (a fresh boot: {@link BootState#boot()}). */
    public VirtualKernel(KernelDescription kernel, BootState state) {
        this.kernel = kernel;
        this.state = state;
    }

    /** The kernel this is a model of. */
    public KernelDescription description() {
        return kernel;
    }

    /** The mutable state (modules, taint, log). */
    public BootState state() {
        return state;
    }

    /**
     * The kernel as libkmod reads it from {@code /sys/module}: a module's state, its refcount,
     * its holders in directory order; a built-in module with a sysfs directory but no
     * {@code initstate} reads as coming, as kmod sees it.
     */
    public KernelState asKernelState() {
        KernelFiles files = new KernelFiles(this);
        return new KernelState() {
            @Override
            public InitState initState(String name) {
                Optional<LoadedModule> m = state.module(name);
                if (m.isPresent()) {
                    return switch (m.get().state()) {
                        case LIVE -> InitState.LIVE;
                        case COMING -> InitState.COMING;
                        case GOING -> InitState.GOING;
                    };
                }
                return kernel.builtinHasSysfs(name) ? InitState.COMING : InitState.NOT_LOADED;
            }

            @Override
            public int refcnt(String name) {
                return state.module(name).map(LoadedModule::refcnt).orElse(-Errno.ENOENT.number());
            }

            @Override
            public List<String> holders(String name) {
                return files.list("/sys/module/" + name + "/holders").orElse(List.of());
            }
        };
    }

    /** Makes the init function of module {@code name} return {@code result} (0 or a negative errno). */
    public void scriptInit(String name, int result) {
        state.initResults.put(name, result);
    }

    /**
     * init_module(2) with {@code image} (uncompressed) and {@code args}; {@code flags} as for
     * finit_module ({@link #IGNORE_MODVERSIONS}, {@link #IGNORE_VERMAGIC}).
     *
     * @return empty on success, else the errno the call fails with
     */
    public Optional<Errno> load(ByteBuffer image, String args, int flags) {
        try {
            new Load(image.slice(), args == null ? "" : args, flags).run();
            return Optional.empty();
        } catch (LoadFailure f) {
            return Optional.of(f.errno);
        }
    }

    /**
     * delete_module(2).
     *
     * @return empty on success, else the errno
     */
    public Optional<Errno> delete(String name, int flags) {
        Optional<LoadedModule> found = state.module(name);
        if (found.isEmpty()) {
            return Optional.of(Errno.ENOENT);
        }
        LoadedModule m = found.get();
        if (!m.holders().isEmpty()) {
            return Optional.of(Errno.EAGAIN);
        }
        if (m.state() != LoadedModule.State.LIVE) {
            return Optional.of(Errno.EBUSY);
        }
        if (m.permanent() && !tryForceUnload(flags)) {
            return Optional.of(Errno.EBUSY);
        }
        if (m.refcnt() != 0 && !tryForceUnload(flags)) {
            return Optional.of(Errno.EAGAIN);
        }
        release(m.name(), m.uses());
        state.modules.remove(m);
        return Optional.empty();
    }

    private boolean tryForceUnload(int flags) {
        if (!kernel.config().forceUnload() || (flags & O_TRUNC) == 0) {
            return false;
        }
        addTaint(Taint.FORCED_RMMOD, true);
        return true;
    }

    /** Drops the references module {@code name} holds on the modules it uses. */
    private void release(String name, List<String> uses) {
        for (String used : uses) {
            state.module(used).ifPresent(u -> {
                List<String> holders = new ArrayList<>(u.holders());
                holders.remove(name);
                state.replace(u, u.withHolders(List.copyOf(holders), u.refcnt() - 1));
            });
        }
    }

    private void log(String line) {
        state.log.add(line);
    }

    /** add_taint: the global mask, and the lock-debugging notice on the first unreliable taint. */
    private void addTaint(Taint t, boolean lockdepUnreliable) {
        state.taint |= t.bit();
        if (lockdepUnreliable && state.once.add("debug_locks_off")) {
            log("Disabling lock debugging due to kernel taint");
        }
    }

    private boolean tainted(Taint t) {
        return (state.taint & t.bit()) != 0;
    }

    /** One load_module(), step by step. */
    private final class Load {
        private final ByteBuffer image;
        private final String args;
        private final int flags;
        private final List<String> log = state.log;
        private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
        private final List<String> uses = new ArrayList<>();
        private long len;
        private boolean sigOk;
        private String name;
        private ElfFile elf;
        private KernelModule module;
        private boolean hasVersions;
        private boolean usesGplOnly;

        Load(ByteBuffer image, String args, int flags) {
            this.image = image;
            this.args = args;
            this.flags = flags;
            this.len = image.remaining();
        }

        void run() throws LoadFailure {
            checkSignature();
            name = ModuleImage.check(image, len, log);
            openElf();
            if (kernel.moduleBlacklist().contains(name)) {
                log("Module " + name + " is blacklisted");
                throw new LoadFailure(Errno.EPERM);
            }
            hasVersions = (flags & IGNORE_MODVERSIONS) == 0 && ModuleImage.allocated(elf, "__versions").isPresent();
            if (!checkVersion("module_layout", kernel.exports().get("module_layout"))) {
                throw new LoadFailure(Errno.ENOEXEC);
            }
            checkModinfo();
            long size = coreSize();
            if (state.module(name).isPresent()) {
                throw new LoadFailure(Errno.EEXIST);
            }
            if (kernel.config().moduleSig() && !sigOk) {
                if (state.once.add("module_sig")) {
                    log(name + ": module verification failed: signature and/or required key missing - tainting kernel");
                }
                taintModule(Taint.UNSIGNED_MODULE, false);
            }
            List<KernelSymbol> exports = exports();
            try {
                resolveSymbols();
                checkDuplicateExports(exports);
                List<ModuleParam> declared = parameters();
                ModuleArgs.Result params = ModuleArgs.apply(name, args, declared, log);
                if (params.error() != null) {
                    throw new LoadFailure(params.error());
                }
                if (kernel.builtinHasSysfs(name)) {
                    log(name + ": module is already loaded");
                    throw new LoadFailure(Errno.EINVAL);
                }
                int init = state.initResults.getOrDefault(name, 0);
                if (init < 0) {
                    throw new LoadFailure(Errno.ofNumber(-init).orElse(Errno.EINVAL));
                }
                state.modules.add(0, new LoadedModule(name, size, state.nextAddress, LoadedModule.State.LIVE,
                        Set.copyOf(taints), List.of(), List.copyOf(uses), 0, has("init_module"), has("cleanup_module"),
                        exports, sysfsParameters(declared, params.values()), usesGplOnly));
                state.nextAddress += (size + 4095) / 4096 * 4096 + 4096;
            } catch (LoadFailure f) {
                release(name, uses);  // module_unload_free: the uses taken while resolving go
                throw f;
            }
        }

        /** module_sig_check: an appended signature, checked unless the module was mangled (forced). */
        private void checkSignature() throws LoadFailure {
            boolean mangled = (flags & (IGNORE_MODVERSIONS | IGNORE_VERMAGIC)) != 0;
            Errno err = Errno.ENODATA;
            if (!mangled && endsWithMarker()) {
                len -= SIG_MARKER.length;
                err = verifySignature();
                if (err == null) {
                    sigOk = true;
                    return;
                }
            }
            String reason = switch (err) {
                case ENODATA -> "unsigned module";
                case ENOPKG -> "module with unsupported crypto";
                case ENOKEY -> "module with unavailable key";
                default -> throw new LoadFailure(err);
            };
            if (kernel.config().moduleSigForce()) {
                log("Loading of " + reason + " is rejected");
                throw new LoadFailure(Errno.EKEYREJECTED);
            }
        }

        private boolean endsWithMarker() {
            if (len <= SIG_MARKER.length) {
                return false;
            }
            for (int i = 0; i < SIG_MARKER.length; i++) {
                if (image.get((int) (len - SIG_MARKER.length + i)) != SIG_MARKER[i]) {
                    return false;
                }
            }
            return true;
        }

        /** mod_verify_sig: the trailer's checks; a key the kernel has verifies, any other is unavailable. */
        private Errno verifySignature() {
            if (len <= 12) {
                return Errno.EBADMSG;
            }
            int at = (int) (len - 12);
            long sigLen = Integer.toUnsignedLong(image.order(ByteOrder.BIG_ENDIAN).getInt(at + 8));
            if (sigLen >= len - 12) {
                return Errno.EBADMSG;
            }
            if (image.get(at + 2) != PKEY_ID_PKCS7) {
                log("module: not signed with expected PKCS#7 message");
                return Errno.ENOPKG;
            }
            for (int i : new int[] {0, 1, 3, 4, 5, 6, 7}) {
                if (image.get(at + i) != 0) {
                    log("module: PKCS#7 signature info has unexpected non-zero params");
                    return Errno.EBADMSG;
                }
            }
            Optional<ModuleSignature> sig = ModuleSignature.find(image.duplicate().limit((int) len + SIG_MARKER.length));
            len -= sigLen + 12;
            if (sig.isEmpty()) {
                return Errno.EBADMSG;
            }
            return kernel.trusts(sig.get()) ? null : Errno.ENOKEY;
        }

        private void openElf() throws LoadFailure {
            try {
                ByteBuffer body = image.duplicate().position(0).limit((int) len).slice();
                module = KernelModule.fromImage(Path.of(name + ".ko"), body);
                elf = module.elf();
                if (!ModuleImage.allocated(elf, ".gnu.linkonce.this_module").isPresent()) {
                    log(name + ": No module found in object");
                    throw new LoadFailure(Errno.ENOEXEC);
                }
            } catch (ElfFormatException e) {
                throw new LoadFailure(Errno.ENOEXEC);
            }
        }

        /** check_modinfo: vermagic, then the taints the module's .modinfo implies. */
        private void checkModinfo() throws LoadFailure {
            Optional<String> magic = (flags & IGNORE_VERMAGIC) != 0 ? Optional.empty() : modinfo("vermagic");
            if (magic.isEmpty()) {
                forceLoad("bad vermagic");
            } else if (!sameMagic(magic.get(), kernel.vermagic(), hasVersions)) {
                log(name + ": version magic '" + magic.get() + "' should be '" + kernel.vermagic() + "'");
                throw new LoadFailure(Errno.ENOEXEC);
            }
            if (modinfo("intree").isEmpty()) {
                if (!tainted(Taint.OOT_MODULE)) {
                    log(name + ": loading out-of-tree module taints kernel.");
                }
                taintModule(Taint.OOT_MODULE, false);
            }
            if (modinfo("staging").isPresent()) {
                taintModule(Taint.CRAP, false);
                log(name + ": module is from the staging directory, the quality is unknown, you have been warned.");
            }
            String license = modinfo("license").orElse("unspecified");
            if (!License.isGplCompatible(license)) {
                if (!tainted(Taint.PROPRIETARY_MODULE)) {
                    log(name + ": module license '" + license + "' taints kernel.");
                }
                taintModule(Taint.PROPRIETARY_MODULE, true);
            }
            if (modinfo("test").isPresent()) {
                if (!tainted(Taint.TEST)) {
                    log(name + ": loading test module taints kernel.");
                }
                taintModule(Taint.TEST, false);
            }
        }

        private long coreSize() throws LoadFailure {
            try {
                return ModuleLayout.coreSize(elf, kernel.config(), (flags & IGNORE_MODVERSIONS) != 0);
            } catch (ElfFormatException | RuntimeException e) {
                throw new LoadFailure(Errno.ENOEXEC);
            }
        }

        /** The module's exports; exports without CRCs under modversions force the load. */
        private List<KernelSymbol> exports() throws LoadFailure {
            List<KernelSymbol> out = new ArrayList<>();
            try {
                boolean missingCrc = false;
                for (Export e : module.exports()) {
                    out.add(new KernelSymbol(e.name(), e.gplOnly(), e.namespace().orElse(""), e.crc()));
                    missingCrc |= e.crc().isEmpty();
                }
                if (kernel.config().modversions() && missingCrc) {
                    forceLoad("no versions for exported symbols");
                }
            } catch (ElfFormatException e) {
                throw new LoadFailure(Errno.ENOEXEC);
            }
            return List.copyOf(out);
        }

        /** simplify_symbols: every undefined symbol resolved; all failures logged, the last returned. */
        private void resolveSymbols() throws LoadFailure {
            SymbolTable symtab;
            try {
                symtab = elf.symbols();
            } catch (ElfFormatException e) {
                throw new LoadFailure(Errno.ENOEXEC);
            }
            Errno last = null;
            for (int i = 1; i < symtab.count(); i++) {
                int shndx = symtab.sectionIndex(i);
                if (shndx == SymbolTable.SHN_COMMON) {
                    log(name + ": please compile with -fno-common");
                    last = Errno.ENOEXEC;
                } else if (shndx == SymbolTable.SHN_UNDEF) {
                    String sym = symtab.name(i);
                    Errno err = resolve(sym);
                    // not found is fine for a weak reference, or for the GOT symbol x86 ignores
                    boolean excused = symtab.binding(i) == SymbolTable.STB_WEAK || sym.equals("_GLOBAL_OFFSET_TABLE_");
                    if (err != null && !(err == Errno.ENOENT && excused)) {
                        log(name + ": Unknown symbol " + sym + " (err -" + err.number() + ")");
                        last = err;
                    }
                }
            }
            if (last != null) {
                throw new LoadFailure(last);
            }
        }

        /** resolve_symbol: null when resolved, else the error; a use is recorded on the owner. */
        private Errno resolve(String sym) throws LoadFailure {
            boolean gplOk = !taints.contains(Taint.PROPRIETARY_MODULE);
            Found found = find(sym, gplOk);
            if (found == null) {
                return Errno.ENOENT;
            }
            if (found.symbol.gplOnly()) {
                usesGplOnly = true;
            }
            if (found.owner != null && found.owner.taints().contains(Taint.PROPRIETARY_MODULE)) {
                if (usesGplOnly) {
                    log(name + ": module using GPL-only symbols uses symbols " + sym + " from proprietary module "
                            + found.owner.name() + ".");
                    return Errno.ENOENT;
                }
                if (!taints.contains(Taint.PROPRIETARY_MODULE)) {
                    log(name + ": module uses symbols " + sym + " from proprietary module " + found.owner.name()
                            + ", inheriting taint.");
                    taints.add(Taint.PROPRIETARY_MODULE);  // the module's bit only: the kernel is P already
                }
            }
            if (!checkVersion(sym, found.symbol)) {
                return Errno.EINVAL;
            }
            String ns = found.symbol.namespace();
            if (!ns.isEmpty() && !module.modinfoValues("import_ns").contains(ns)) {
                log(name + ": module uses symbol (" + sym + ") from namespace " + ns + ", but does not import it.");
                if (!kernel.config().missingNamespaceImportsAllowed()) {
                    return Errno.EINVAL;
                }
            }
            if (found.owner != null && !uses.contains(found.owner.name())) {
                if (found.owner.state() == LoadedModule.State.COMING) {
                    return Errno.EBUSY;
                }
                uses.add(found.owner.name());
                List<String> holders = new ArrayList<>(found.owner.holders());
                holders.add(0, name);
                state.replace(found.owner, found.owner.withHolders(List.copyOf(holders), found.owner.refcnt() + 1));
            }
            return null;
        }

        /** check_version: the module's __versions CRC for a symbol against the exporter's. */
        private boolean checkVersion(String sym, KernelSymbol exported) throws LoadFailure {
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
                    log(name + ": disagrees about version of symbol " + sym);
                    return false;
                }
            }
            log(name + ": no symbol version for " + sym);
            return false;
        }

        /** verify_exported_symbols: the first export someone else already has fails the load. */
        private void checkDuplicateExports(List<KernelSymbol> exports) throws LoadFailure {
            List<KernelSymbol> ordered = new ArrayList<>();
            exports.stream().filter(e -> !e.gplOnly()).forEach(ordered::add);
            exports.stream().filter(KernelSymbol::gplOnly).forEach(ordered::add);
            for (KernelSymbol e : ordered) {
                Found f = find(e.name(), true);
                if (f != null) {
                    log(name + ": exports duplicate symbol " + e.name() + " (owned by "
                            + (f.owner == null ? "kernel" : f.owner.name()) + ")");
                    throw new LoadFailure(Errno.ENOEXEC);
                }
            }
        }

        private void forceLoad(String reason) throws LoadFailure {
            if (!kernel.config().forceLoad()) {
                throw new LoadFailure(Errno.ENOEXEC);
            }
            if (!tainted(Taint.FORCED_MODULE)) {
                log(name + ": " + reason + ": kernel tainted.");
            }
            taintModule(Taint.FORCED_MODULE, true);
        }

        private void taintModule(Taint t, boolean lockdepUnreliable) {
            addTaint(t, lockdepUnreliable);
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

        private List<ModuleParam> parameters() throws LoadFailure {
            try {
                return ModuleParam.read(elf);
            } catch (ElfFormatException | RuntimeException e) {
                throw new LoadFailure(Errno.ENOEXEC);
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
    }

    /** same_magic: with modversions the release part (up to the first space) is not compared. */
    static boolean sameMagic(String module, String kernelMagic, boolean hasCrcs) {
        if (hasCrcs) {
            int a = module.indexOf(' ');
            int b = kernelMagic.indexOf(' ');
            return (a < 0 ? "" : module.substring(a)).equals(b < 0 ? "" : kernelMagic.substring(b));
        }
        return module.equals(kernelMagic);
    }

    private record Found(KernelSymbol symbol, LoadedModule owner) {
    }

    /** find_symbol: vmlinux's exports, then each module in list order (newest first). */
    private Found find(String sym, boolean gplOk) {
        KernelSymbol k = kernel.exports().get(sym);
        if (k != null && (gplOk || !k.gplOnly())) {
            return new Found(k, null);
        }
        for (LoadedModule m : state.modules) {
            for (KernelSymbol e : m.exports()) {
                if (e.name().equals(sym) && (gplOk || !e.gplOnly())) {
                    return new Found(e, m);
                }
            }
        }
        return null;
    }
}
