package org.modstack.modprobe;

import java.nio.file.Path;
import java.util.List;
import org.modstack.ErrnoException;

/**
 * The kernel modprobe acts on: what it says about a module's state, as libkmod reads it from
 * {@code /sys/module}, and the calls that load and remove modules. The live kernel, or a virtual
 * one ({@code org.modstack.kernel.VirtualKernel#asKernelState}).
 */
public interface KernelState {

    /**
     * A loaded module as {@code /proc/modules} lists it, with its size as libkmod reads it.
     *
     * @param state {@code Live}, {@code Loading} or {@code Unloading}
     * @param permanent it cannot be removed ({@code [permanent]})
     * @param taint its taint letters, empty when it has none
     */
    record Loaded(String name, long size, String state, boolean permanent, String taint) {
    }

    /**
     * The loaded modules, newest first ({@code /proc/modules}); each size as
     * kmod_module_get_size reads it ({@code /sys/module/<m>/coresize}, else that line's).
     *
     * @throws ErrnoException naming {@code /proc/modules} when the list cannot be read
     */
    List<Loaded> loaded() throws ErrnoException;

    /** Whether {@code name} is built into the kernel ({@code modules.builtin} of its module directory). */
    boolean isBuiltin(String name);

    /** A module's state in the kernel ({@code /sys/module/<m>/initstate}). */
    enum InitState { NOT_LOADED, LIVE, COMING, GOING }

    /** The state of module {@code name}; built-in modules are answered from the indexes, not here. */
    InitState initState(String name);

    /** The module's reference count ({@code /sys/module/<m>/refcnt}). */
    int refcnt(String name) throws ErrnoException;

    /** The modules holding it ({@code /sys/module/<m>/holders/}), in directory order. */
    List<String> holders(String name);

    /**
     * kmod_module_insert_module: the module file at {@code file} (compressed or not) with
     * {@code options}; forcing drops the module's version information or its vermagic.
     */
    void insert(Path file, String options, boolean forceModversion, boolean forceVermagic) throws ErrnoException;

    /** kmod_module_remove_module: {@code delete_module} without waiting, forced or not. */
    void remove(String name, boolean force) throws ErrnoException;

    /** Runs a modprobe.d install command, {@code $CMDLINE_OPTS} standing for {@code options}. */
    void runInstallCommand(String command, String options) throws ErrnoException;

    /** The running kernel: {@code /proc/modules}, {@code /sys/module} and the module system calls. */
    static KernelState live() {
        return live(ModuleSyscalls.libc());
    }

    /** The running kernel's files, with {@code syscalls} making the changes (a fake one in tests). */
    static KernelState live(ModuleSyscalls syscalls) {
        return new LiveKernelState(syscalls);
    }
}
