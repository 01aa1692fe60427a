package org.modstack.module;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Gives a memory-mapped file's pages back, as kmod's munmap after reading each module does: Java
 * unmaps a file only when its buffer is collected, so a depmod over thousands of mapped modules
 * would hold them all in its resident set. {@code madvise(MADV_DONTNEED)} drops the pages from
 * this process and leaves the mapping valid: a later read faults them in again from the page
 * cache, so it is safe whoever still holds the buffer.
 */
final class MappedPages {
    private static final int MADV_DONTNEED = 4;
    private static final long PAGE = 4096;

    private interface C extends Library {
        int madvise(Pointer addr, NativeLong length, int advice);
    }

    /** Loaded on first use; absent where libc cannot be loaded (the pages then wait for the collector). */
    private static final class Holder {
        static final C LIBC = OptionalLibrary.load("c", C.class);
    }

    private MappedPages() {
    }

    /** Drops the resident pages of {@code mapped}, a buffer mapped from a file at offset 0. */
    static void release(ByteBuffer mapped) {
        C libc = Holder.LIBC;
        if (libc == null || !mapped.isDirect() || mapped.capacity() == 0) {
            return;
        }
        Pointer start = Native.getDirectBufferPointer(mapped);
        if (Pointer.nativeValue(start) % PAGE != 0) {
            return;  // not the start of a mapping: madvise would refuse it
        }
        libc.madvise(start, new NativeLong((mapped.capacity() + PAGE - 1) / PAGE * PAGE), MADV_DONTNEED);
    }
}
