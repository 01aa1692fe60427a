/**
 * The tools ({@code modinfo}, {@code depmod}, {@code modprobe}, {@code insmod}, {@code rmmod},
 * {@code lsmod}, {@code kernel}): thin layers over the library that print kmod's words and exit
 * with kmod's statuses. Not an API.
 */
package org.modstack.cli;
