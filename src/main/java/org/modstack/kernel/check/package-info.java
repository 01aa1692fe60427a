/**
 * {@code modstack check}: will these modules load on those kernels, and if not, why and what to
 * change. Each check runs the stack on a throwaway {@link org.modstack.kernel.VirtualKernel} of
 * each target kernel, in process, and turns the kernel's refusals and log lines into findings.
 */
package org.modstack.kernel.check;
