package org.modstack.module;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * A native library called through JNA where Java has a slower way, or none is needed, without it.
 *
 * <p>Libraries are named by their soname, which the dynamic linker finds as it finds any
 * program's (its cache, {@code LD_LIBRARY_PATH}) without the development package's unversioned
 * link. So JNA needs no search of its own: the launcher sets {@code jna.platform.library.path},
 * and JNA no longer runs {@code ldconfig -p} to list the system's libraries (a process and 15 ms
 * of every command that decodes a .ko.xz).
 */
final class OptionalLibrary {
    /** xz-utils' liblzma, soname 5 since its first stable release. */
    static final String LIBLZMA = "liblzma.so.5";

    private OptionalLibrary() {
    }

    /** Function {@code function} of library {@code name}, or null when the system has no such library or function. */
    static Function function(String name, String function) {
        try {
            return NativeLibrary.getInstance(name).getFunction(function);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }
}
