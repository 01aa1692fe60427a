/**
 * Text and file helpers shared by the readers: C strings, lines as {@code fgets} reads them,
 * {@code fnmatch}, kmod's configuration-directory order, the working directory as kmod spells it.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack.util;
