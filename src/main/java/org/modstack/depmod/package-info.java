/**
 * depmod: depmod.d, finding a tree's modules, resolving their dependencies, every file depmod
 * writes (atomically, as a set), and the incremental cache with the last run it rendered.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack.depmod;
