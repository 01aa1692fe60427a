package org.modstack.index;

import org.modstack.Errno;
import org.modstack.ErrnoException;

/** A binary index whose bytes do not hold a kmod index of a known version. */
public final class IndexFormatException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    public IndexFormatException(String detail) {
        super(Errno.EINVAL, detail);
    }
}
