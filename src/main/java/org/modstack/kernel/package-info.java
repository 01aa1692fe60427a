/**
 * The virtual kernel: a model of Linux's module loader ({@code init_module},
 * {@code delete_module}) on real module files, a kernel's description, its {@code /proc} and
 * {@code /sys/module} views, and the state directory.
 *
 * <p>Errors: a failure is an {@link org.modstack.ErrnoException} carrying the errno kmod or the
 * kernel would report; no method returns an errno, a negative number or an empty
 * {@code Optional} to signal one ({@code Optional} means absent).
 */
package org.modstack.kernel;
