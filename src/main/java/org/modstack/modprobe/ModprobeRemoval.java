package org.modstack.modprobe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.modprobe.Modprobe.Mod;
import org.modstack.modprobe.Modprobe.RemoveFlags;
import org.modstack.modprobe.Modprobe.RemoveOutput;

/** One {@code modprobe -r} of a module, as kmod's modprobe removes it ({@link Modprobe#remove}). */
final class ModprobeRemoval {
    private final Modprobe modprobe;
    private final KernelState kernel;
    private final ModprobeConfig config;
    private final RemoveFlags flags;
    private final RemoveOutput out;

    ModprobeRemoval(Modprobe modprobe, KernelState kernel, ModprobeConfig config, RemoveFlags flags, RemoveOutput out) {
        this.modprobe = modprobe;
        this.kernel = kernel;
        this.config = config;
        this.flags = flags;
        this.out = out;
    }

    void remove(Mod mod) throws ErrnoException {
        remove(mod, flags.removeHolders(), false);
    }

    private void remove(Mod mod, boolean holdersToo, boolean ignoreBuiltin) throws ErrnoException {
        List<Mod> pre = List.of();
        List<Mod> post = List.of();
        String cmd = null;
        if (!flags.ignoreCommands()) {
            Optional<ModprobeConfig.Softdep> sd = config.softdep(mod.name);
            pre = sd.isPresent() ? modprobe.lookupAll(sd.get().pre()) : List.of();
            post = sd.isPresent() ? modprobe.lookupAll(sd.get().post()) : List.of();
            cmd = config.removeCommand(mod.name).orElse(null);
        }
        if (cmd == null && !needsRemoval(mod, ignoreBuiltin)) {
            return;
        }
        removeEach(post, false);
        if (holdersToo) {
            List<Mod> holders = new ArrayList<>();
            kernel.holders(mod.name).forEach(h -> holders.add(modprobe.module(h, null)));
            removeEach(holders, true);
        }
        if (cmd == null && !flags.ignoreLoaded() && flags.waitMillis() == 0 && inUse(mod.name)) {
            out.log("Module " + mod.name + " is in use.\n");
            throw new ErrnoException(Errno.EBUSY, mod.name + " is in use");
        }
        if (cmd != null) {
            out.show("remove " + cmd.replace("$CMDLINE_OPTS", "") + "\n");  // shown, not run
        } else {
            out.show("rmmod " + mod.name + "\n");
            removeFromKernel(mod.name);
            modprobe.readDeps(mod);
            for (Mod dep : mod.deps) {
                if (unused(dep.name)) {
                    out.show("rmmod " + dep.name + "\n");
                    try {
                        removeFromKernel(dep.name);
                    } catch (ErrnoException e) {
                        // a dependency that stays is no failure of this removal
                    }
                }
            }
        }
        removeEach(pre, false);
    }

    /**
     * Whether a module without a remove command is there to remove, which {@code --show-depends}
     * does not ask; refusals are logged and thrown.
     */
    private boolean needsRemoval(Mod mod, boolean ignoreBuiltin) throws ErrnoException {
        if (flags.ignoreLoaded()) {
            return true;
        }
        if (modprobe.isBuiltin(mod)) {
            if (ignoreBuiltin) {
                return false;
            }
            out.log("Module " + mod.name + " is builtin.\n");
            throw new ErrnoException(Errno.ENOENT, mod.name + " is built in");
        }
        if (kernel.initState(mod.name) == KernelState.InitState.NOT_LOADED) {
            if (flags.firstTime()) {
                out.log("Module " + mod.name + " is not in kernel.\n");
                throw new ErrnoException(Errno.ENOENT, mod.name + " is not in the kernel");
            }
            return false;
        }
        return true;
    }

    private void removeFromKernel(String name) throws ErrnoException {
        if (flags.dryRun()) {
            return;
        }
        if (flags.waitMillis() > 0) {
            removeWaiting(name);
            return;
        }
        try {
            kernel.remove(name, flags.force());
        } catch (ErrnoException e) {
            out.removeFailed(name, e);
            throw e;
        }
    }

    /**
     * {@code --wait}: delete_module again while the kernel answers EAGAIN, backing off as kmod
     * does (1, 2, 4 ... ms, never past the deadline). When the time is up kmod 30 ends the loop
     * on its last sleep's success: the module stays and modprobe says nothing (the real kernel
     * under qemu shows it, scenario modprobe-r-wait).
     */
    private void removeWaiting(String name) throws ErrnoException {
        long end = System.nanoTime() / 1_000_000 + flags.waitMillis();
        long interval = 0;
        while (true) {
            try {
                kernel.remove(name, flags.force());
                return;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EAGAIN) {
                    out.waitFailed(name, e);
                    throw e;
                }
            }
            long now = System.nanoTime() / 1_000_000;
            interval = interval == 0 ? 2 : interval << 1;
            while (interval > 0 && now + interval > end) {
                interval >>= 1;
            }
            if (interval == 0) {
                return;
            }
            sleep(interval);
        }
    }

    private static void sleep(long millis) throws ErrnoException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, "interrupted waiting to remove a module");
        }
    }

    /** Whether the kernel counts references to the module (an unreadable count is none). */
    private boolean inUse(String name) {
        try {
            return kernel.refcnt(name) > 0;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** Whether the kernel counts no reference to the module (an unreadable count is not zero). */
    private boolean unused(String name) {
        try {
            return kernel.refcnt(name) == 0;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** Removes modules last first, as built-ins quietly; errors stop the walk only when asked. */
    private void removeEach(List<Mod> mods, boolean stopOnError) throws ErrnoException {
        for (int i = mods.size() - 1; i >= 0; i--) {
            try {
                remove(mods.get(i), false, true);
            } catch (ErrnoException e) {
                if (stopOnError) {
                    throw e;
                }
            }
        }
    }
}
