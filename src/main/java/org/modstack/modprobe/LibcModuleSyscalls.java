package org.modstack.modprobe;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/** The module system calls through the C library's {@code syscall(2)}, by number per architecture. */
final class LibcModuleSyscalls implements ModuleSyscalls {
    /** open(2)'s flags for the module file, as libkmod opens it. */
    private static final int O_RDONLY_CLOEXEC = 02000000;

    /**
     * The C library, loaded on first use: nothing else in modstack pays for it. By soname, as
     * {@code org.modstack.module.OptionalLibrary} names liblzma.
     */
    private interface C extends Library {
        C LIBC = Native.load("libc.so.6", C.class);

        long syscall(long number, Object... args) throws LastErrorException;

        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** init_module, delete_module and finit_module's numbers. */
    private record Numbers(long init, long delete, long finit) {
    }

    private static final Map<String, Numbers> NUMBERS = Map.of(
            "amd64", new Numbers(175, 176, 313),
            "x86_64", new Numbers(175, 176, 313),
            "aarch64", new Numbers(105, 106, 273));

    private static Numbers numbers() throws ErrnoException {
        Numbers n = NUMBERS.get(System.getProperty("os.arch"));
        if (n == null) {
            throw new ErrnoException(Errno.ENOSYS, "module syscalls on " + System.getProperty("os.arch"));
        }
        return n;
    }

    @Override
    public void finitModule(Path file, String params, int flags) throws ErrnoException {
        long finit = numbers().finit();
        int fd;
        try {
            fd = C.LIBC.open(file.toString(), O_RDONLY_CLOEXEC);
        } catch (LastErrorException e) {
            throw failure(e, file.toString());
        }
        try {
            C.LIBC.syscall(finit, (long) fd, params, (long) flags);
        } catch (LastErrorException e) {
            throw failure(e, "finit_module " + file);
        } finally {
            C.LIBC.close(fd);
        }
    }

    @Override
    public void initModule(ByteBuffer image, String params) throws ErrnoException {
        long init = numbers().init();
        byte[] bytes = new byte[image.remaining()];
        image.duplicate().get(bytes);
        try (Memory m = new Memory(Math.max(1, bytes.length))) {
            m.write(0, bytes, 0, bytes.length);
            C.LIBC.syscall(init, m, (long) bytes.length, params);
        } catch (LastErrorException e) {
            throw failure(e, "init_module");
        }
    }

    @Override
    public void deleteModule(String name, int flags) throws ErrnoException {
        try {
            C.LIBC.syscall(numbers().delete(), name, (long) flags);
        } catch (LastErrorException e) {
            throw failure(e, "delete_module " + name);
        }
    }

    private static ErrnoException failure(LastErrorException e, String what) {
        int code = e.getErrorCode();
        return new ErrnoException(Errno.ofNumber(code).orElse(Errno.EIO), what + ": errno " + code, e);
    }
}
