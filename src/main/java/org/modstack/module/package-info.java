/**
 * A kernel module file ({@code .ko}, raw or compressed): its modinfo, exports (plain, GPL-only,
 * namespaced, with CRCs), imports, {@code __versions}, parameters and signature.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack.module;
