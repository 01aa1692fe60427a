package org.modstack.modprobe;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.modstack.ErrnoException;

/**
 * The kernel's module system calls, as libkmod makes them. The running kernel's are
 * {@link #libc()}; tests put a fake behind the same interface.
 */
public interface ModuleSyscalls {
    /** finit_module flag: load a module without its {@code __versions}. */
    int MODULE_INIT_IGNORE_MODVERSIONS = 1;
    /** finit_module flag: load a module whatever its vermagic says. */
    int MODULE_INIT_IGNORE_VERMAGIC = 2;
    /** delete_module flag: fail rather than wait for the module to be unused. */
    int O_NONBLOCK = 04000;
    /** delete_module flag: force the removal ({@code rmmod -f}). */
    int O_TRUNC = 01000;

    /** {@code finit_module(fd of file, params, flags)}. */
    void finitModule(Path file, String params, int flags) throws ErrnoException;

    /** {@code init_module(image, length, params)}. */
    void initModule(ByteBuffer image, String params) throws ErrnoException;

    /** {@code delete_module(name, flags)}. */
    void deleteModule(String name, int flags) throws ErrnoException;

    /** The running kernel's calls, through the C library. */
    static ModuleSyscalls libc() {
        return new LibcModuleSyscalls();
    }
}
