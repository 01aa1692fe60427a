/**
 * modprobe: modprobe.d and the kernel command line, the module directory as libkmod reads it,
 * kmod's lookup order, and loading or removing a whole stack on a {@link org.modstack.modprobe.KernelState}.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack.modprobe;
