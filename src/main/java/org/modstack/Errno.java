package org.modstack;

import java.util.Optional;

/**
 * The errno values modstack's library reports, with glibc's {@code strerror} text.
 *
 * <p>kmod keeps errors as errno values inside libkmod and only its tools turn them into
 * words; modstack does the same so that every tool prints exactly what kmod prints.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    ENOEXEC(8, "Exec format error"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENOSPC(28, "No space left on device"),
    EPIPE(32, "Broken pipe"),
    ERANGE(34, "Numerical result out of range"),
    ENAMETOOLONG(36, "File name too long"),
    ENOSYS(38, "Function not implemented"),
    ELOOP(40, "Too many levels of symbolic links"),
    ENODATA(61, "No data available"),
    ENOPKG(65, "Package not installed"),
    EBADMSG(74, "Bad message"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EOPNOTSUPP(95, "Operation not supported"),
    ETIMEDOUT(110, "Connection timed out"),
    ENOKEY(126, "Required key not available"),
    EKEYREJECTED(129, "Key was rejected by service");

    private final int number;
    private final String message;

    Errno(int number, String message) {
        this.number = number;
        this.message = message;
    }

    /** The errno numbered {@code number}, if modstack knows it. */
    public static Optional<Errno> ofNumber(int number) {
        for (Errno e : values()) {
            if (e.number == number) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The positive errno number, as in {@code <errno.h>} on Linux. */
    public int number() {
        return number;
    }

    /** The text glibc's {@code strerror} gives for this errno. */
    public String message() {
        return message;
    }
}
