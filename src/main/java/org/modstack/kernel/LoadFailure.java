package org.modstack.kernel;

import org.modstack.Errno;

/** A load that stops: the errno {@code init_module(2)} returns. Its log lines are already written. */
final class LoadFailure extends Exception {
    private static final long serialVersionUID = 1L;

    final transient Errno errno;

    LoadFailure(Errno errno) {
        super(errno.name(), null, false, false);
        this.errno = errno;
    }
}
