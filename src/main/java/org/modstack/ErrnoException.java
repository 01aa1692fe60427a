package org.modstack;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;


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
        String reason = e instanceof FileSystemException fse && fse.getReason() != null
                ? fse.getReason() : e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof NoSuchFileException) {
            errno = Errno.ENOENT;
        } else if (e instanceof AccessDeniedException) {
            errno = Errno.EACCES;
        } else if (e instanceof NotDirectoryException) {
            errno = Errno.ENOTDIR;
        } else if (e instanceof FileSystemLoopException) {
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
