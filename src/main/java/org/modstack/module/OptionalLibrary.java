package org.modstack.module;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** A native library called through JNA where Java has a slower way, or none is needed, without it. */
final class OptionalLibrary {
    private OptionalLibrary() {
    }

    /** The library {@code name} bound to {@code type}, or null when the system has none to load. */
    static <T extends Library> T load(String name, Class<T> type) {
        try {
            return Native.load(name, type);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }
}
