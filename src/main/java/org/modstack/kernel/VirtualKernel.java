package org.modstack.kernel;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.modprobe.KernelState;
import org.modstack.modprobe.ModuleInsertion;
import org.modstack.modprobe.ModuleSyscalls;
import org.modstack.module.Compression;
import org.modstack.module.ModuleFile;

/**
 * A model of a running kernel's module loader: {@code init_module}/{@code finit_module} and
 * {@code delete_module} follow the kernel's rules in the kernel's order, log what it logs and
 * fail with the errno it returns; the module list, the taint mask and the log are its state.
 *
 * <p>A module's init code cannot run here: it succeeds, unless a result was scripted for it
 * with {@link #scriptInit}. Not thread-safe; {@link KernelStore} serializes access.
 */
public final class VirtualKernel implements ModuleSyscalls {
    /** {@code MODULE_INIT_IGNORE_MODVERSIONS}: load as if the module had no {@code __versions}. */
    public static final int IGNORE_MODVERSIONS = ModuleSyscalls.MODULE_INIT_IGNORE_MODVERSIONS;
    /** {@code MODULE_INIT_IGNORE_VERMAGIC}: load as if the module had no vermagic. */
    public static final int IGNORE_VERMAGIC = ModuleSyscalls.MODULE_INIT_IGNORE_VERMAGIC;
    /** {@code O_NONBLOCK} for delete_module (libkmod always passes it). */
    public static final int O_NONBLOCK = ModuleSyscalls.O_NONBLOCK;
    /** {@code O_TRUNC} for delete_module: force. */
    public static final int O_TRUNC = ModuleSyscalls.O_TRUNC;


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
     * The kernel as modprobe acts on it: a module's state, its refcount and its holders in
     * directory order as libkmod reads them from {@code /sys/module} (a built-in module with a
     * sysfs directory but no {@code initstate} reads as coming, as kmod sees it); loading and
     * removing through {@link ModuleInsertion} and {@link #deleteModule}. Install commands are not run on a
     * virtual kernel: each is refused with ENOSYS after a line to {@code notices}.
     */
    public KernelState asKernelState(Consumer<String> notices) {
        return new VirtualKernelState(this, notices);
    }

    /**
     * finit_module(2): the module file's image (the kernel decompresses a compressed one itself);
     * the IGNORE flags drop what a forced load must not check.
     *
     * @throws ErrnoException the file's read error, EINVAL for an empty file (as finit_module), or
     *     the load's refusal
     */
    @Override
    public void finitModule(Path file, String options, int flags) throws ErrnoException {
        ModuleFile f = ModuleFile.read(file);
        if (f.compression() == Compression.NONE && f.image().capacity() == 0) {
            throw new ErrnoException(Errno.EINVAL, file + ": empty module file");
        }
        load(f.image(), options, flags);
    }

    /** init_module(2) with an uncompressed image, as kmod gives it a compressed or forced module. */
    @Override
    public void initModule(ByteBuffer image, String params) throws ErrnoException {
        load(image, params, 0);
    }

    /** Makes the init function of module {@code name} return {@code result} (0 or a negative errno). */
    public void scriptInit(String name, int result) {
        state.initResults.put(name, result);
    }

    /**
     * init_module(2) with {@code image} (uncompressed) and {@code args}; {@code flags} as for
     * finit_module ({@link #IGNORE_MODVERSIONS}, {@link #IGNORE_VERMAGIC}).
     *
     * @throws ErrnoException the errno the call fails with; the kernel's log lines are in the state
     */
    public void load(ByteBuffer image, String args, int flags) throws ErrnoException {
        new ModuleLoad(this, image.slice(), args == null ? "" : args, flags).run();
    }

    /**
     * Loads an in-tree module of this kernel from its summary, as modprobe would load its file:
     * the kernel's own modules are signed with its key and built with its vermagic and CRCs, so
     * only what check_modinfo says of any module is left (staging, licence). Its dependencies
     * must be loaded first; a module already loaded is left as it is.
     */
    public void loadInTree(InTreeModules.InTreeModule m) {
        if (state.module(m.name()).isPresent()) {
            return;
        }
        Set<Taint> taints = java.util.EnumSet.noneOf(Taint.class);
        if (m.staging()) {
            addTaint(Taint.CRAP, false);
            taints.add(Taint.CRAP);
            log(m.name() + ": module is from the staging directory, the quality is unknown, you have been warned.");
        }
        if (!License.isGplCompatible(m.license().isEmpty() ? "unspecified" : m.license())) {
            addTaint(Taint.PROPRIETARY_MODULE, true);
            taints.add(Taint.PROPRIETARY_MODULE);
        }
        List<String> uses = m.depends().stream().filter(d -> state.module(d).isPresent()).toList();
        uses.forEach(used -> use(m.name(), state.module(used).orElseThrow()));
        state.add(new LoadedModule(m.name(), m.size(), state.allocate(m.size()), LoadedModule.State.LIVE, Set.copyOf(taints),
                List.of(), uses, 0, true, true, m.exports(), List.of(), false, List.of()));
    }

    /**
     * delete_module(2).
     *
     * @throws ErrnoException the errno the call fails with
     */
    @Override
    public void deleteModule(String name, int flags) throws ErrnoException {
        Optional<LoadedModule> found = state.module(name);
        if (found.isEmpty()) {
            throw refused(Errno.ENOENT, name);
        }
        LoadedModule m = found.get();
        if (!m.holders().isEmpty()) {
            throw refused(Errno.EAGAIN, name);
        }
        if (m.state() != LoadedModule.State.LIVE) {
            throw refused(Errno.EBUSY, name);
        }
        if (m.permanent() && !tryForceUnload(flags)) {
            throw refused(Errno.EBUSY, name);
        }
        if (m.refcnt() != 0 && !tryForceUnload(flags)) {
            throw refused(Errno.EAGAIN, name);
        }
        release(m.name(), m.uses());
        state.remove(m);
    }

    private static ErrnoException refused(Errno errno, String name) {
        return new ErrnoException(errno, "delete_module " + name + ": " + errno.message());
    }

    private boolean tryForceUnload(int flags) {
        if ((flags & O_TRUNC) == 0 || !kernel.config().forceUnload()) {
            return false;
        }
        addTaint(Taint.FORCED_RMMOD, true);
        return true;
    }

    /** ref_module: module {@code user} holds {@code used}, newest holder first. */
    void use(String user, LoadedModule used) {
        List<String> holders = new ArrayList<>(used.holders());
        holders.add(0, user);
        state.replace(used, used.withHolders(List.copyOf(holders), used.refcnt() + 1));
    }

    /** Drops the references module {@code name} holds on the modules it uses. */
    void release(String name, List<String> uses) {
        for (String used : uses) {
            Optional<LoadedModule> u = state.module(used);
            if (u.isPresent()) {
                List<String> holders = new ArrayList<>(u.get().holders());
                holders.remove(name);
                state.replace(u.get(), u.get().withHolders(List.copyOf(holders), u.get().refcnt() - 1));
            }
        }
    }

    void log(String line) {
        state.log.add(line);
    }

    /** {@link #log} as a consumer, for the code it is handed to. */
    Consumer<String> logger() {
        return new Logger();
    }

    private final class Logger implements Consumer<String> {
        @Override
        public void accept(String line) {
            log(line);
        }
    }

    /** add_taint: the global mask, and the lock-debugging notice on the first unreliable taint. */
    void addTaint(Taint t, boolean lockdepUnreliable) {
        state.taint |= t.bit();
        if (lockdepUnreliable && state.once.add("debug_locks_off")) {
            log("Disabling lock debugging due to kernel taint");
        }
    }

    boolean tainted(Taint t) {
        return (state.taint & t.bit()) != 0;
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

    record Found(KernelSymbol symbol, LoadedModule owner) {
    }

    /** find_symbol: vmlinux's exports, then each module in list order (newest first). */
    Found find(String sym, boolean gplOk) {
        KernelSymbol k = kernel.exports().get(sym);
        if (k != null && (gplOk || !k.gplOnly())) {
            return new Found(k, null);
        }
        for (LoadedModule m : state.exporters(sym)) {
            for (KernelSymbol e : m.exports()) {
                if (e.name().equals(sym) && (gplOk || !e.gplOnly())) {
                    return new Found(e, m);
                }
            }
        }
        return null;
    }
}
