package org.modstack.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.modprobe.KernelState;
import org.modstack.modprobe.ModuleInsertion;

/** A virtual kernel as modprobe reads and changes it: {@code /sys/module} and the module syscalls. */
final class VirtualKernelState implements KernelState {
    private final VirtualKernel kernel;
    private final KernelFiles files;
    private final Consumer<String> notices;

    VirtualKernelState(VirtualKernel kernel, Consumer<String> notices) {
        this.kernel = kernel;
        this.files = new KernelFiles(kernel);
        this.notices = notices;
    }

    @Override
    public List<Loaded> loaded() {
        List<Loaded> out = new ArrayList<>();
        for (LoadedModule m : kernel.state().modules()) {
            out.add(new Loaded(m.name(), m.size(), m.state().word(), m.permanent(), Taint.moduleLetters(m.taints())));
        }
        return out;
    }

    @Override
    public boolean isBuiltin(String name) {
        return kernel.description().isBuiltin(name);
    }

    @Override
    public InitState initState(String name) {
        Optional<LoadedModule> m = kernel.state().module(name);
        if (m.isPresent()) {
            return switch (m.get().state()) {
                case LIVE -> InitState.LIVE;
                case COMING -> InitState.COMING;
                case GOING -> InitState.GOING;
            };
        }
        return kernel.description().builtinHasSysfs(name) ? InitState.COMING : InitState.NOT_LOADED;
    }

    @Override
    public int refcnt(String name) throws ErrnoException {
        Optional<LoadedModule> m = kernel.state().module(name);
        if (m.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, "/sys/module/" + name + "/refcnt");
        }
        return m.get().refcnt();
    }

    @Override
    public List<String> holders(String name) {
        return files.list("/sys/module/" + name + "/holders").orElse(List.of());
    }

    @Override
    public void insert(Path file, String options, boolean forceModversion, boolean forceVermagic)
            throws ErrnoException {
        ModuleInsertion.insert(kernel, file, options, forceModversion, forceVermagic);
    }

    @Override
    public void remove(String name, boolean force) throws ErrnoException {
        kernel.deleteModule(name, VirtualKernel.O_NONBLOCK | (force ? VirtualKernel.O_TRUNC : 0));
    }

    @Override
    public void runInstallCommand(String command, String options) throws ErrnoException {
        notices.accept("install commands are not run on a virtual kernel: " + command);
        throw new ErrnoException(Errno.ENOSYS, "install command not run: " + command);
    }
}
