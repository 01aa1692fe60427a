package org.modstack;

import java.io.IOException;

/**
 * A failure that kmod or the kernel would report as an errno value.
 *
 * <p>The detail message is for logs and debugging; tools print {@link #errno()}'s words,
 * exactly as kmod does.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String subject;

    public ErrnoException(Errno errno, String detail) {
        super(detail);
        this.errno = errno;
        this.subject = null;
    }

    private ErrnoException(Errno errno, String subject, String detail, Throwable cause) {
        super(detail, cause);
        this.errno = errno;
        this.subject = subject;
    }

    public ErrnoException(Errno errno, String detail, Throwable cause) {
        super(detail, cause);
        this.errno = errno;
        this.subject = null;
    }

    /**
     * The errno an operating-system call would have set for {@code e}, so that an I/O failure in
     * Java is reported in the words the C tools use.
     */
    public static ErrnoException of(IOException e, String detail) {
        if (e instanceof ErrnoException ee) {
            return ee;
        }
        Errno errno = Errno.EIO;
        String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                ? fse.getReason() : e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            errno = Errno.ENOENT;
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            errno = Errno.EACCES;
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            errno = Errno.ENOTDIR;
        } else if (e instanceof java.nio.file.FileSystemLoopException) {
            errno = Errno.ELOOP;
        } else {
            // The JDK words some errors its own way ("Too many levels of symbolic links or
            // unable to access attributes of symbolic link"): match strerror's text within.
            for (Errno candidate : Errno.values()) {
                if (reason.endsWith(candidate.message()) || reason.startsWith(candidate.message())) {
                    errno = candidate;
                    break;
                }
            }
        }
        return new ErrnoException(errno, detail, detail + ": " + reason, e);
    }

    /**
     * The failure in one line for a user: {@code <file>: <strerror>} for an I/O failure on a
     * file, else the detail message.
     */
    public String describe() {
        return subject != null ? subject + ": " + errno.message() : getMessage();
    }

    public Errno errno() {
        return errno;
    }
}
