/**
 * The errno vocabulary every part of modstack speaks: {@link org.modstack.Errno} and
 * {@link org.modstack.ErrnoException}, the one way the library reports a failure.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack;
