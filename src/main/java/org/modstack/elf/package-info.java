/**
 * ELF images read in place: 32 or 64 bits, either byte order; sections, symbols, relocations.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack.elf;
