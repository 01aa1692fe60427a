package org.modstack.elf;

import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * An ELF image that cannot be read as a relocatable object.
 *
 * <p>The errno is the one libkmod reports for the same defect: {@link Errno#ENOEXEC} when the
 * ELF magic is missing, {@link Errno#EINVAL} for anything wrong past the magic.
 */
public final class ElfFormatException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(Errno errno, String detail) {
        super(errno, detail);
    }
}
