package org.modstack.module;

import java.nio.ByteBuffer;

/**
 * One direct buffer per thread, reused from module to module by a reader that is done with each
 * module before it reads the next (depmod over a tree of thousands; the xz decoder's output).
 * Reading a raw module into it instead of mapping the file took a full depmod of Debian's 6.1
 * tree from about 1.8 to 1.4 s: 4,000 mappings and their page faults cost more than the copy.
 */
final class ScratchBuffer {
    private static final ThreadLocal<ByteBuffer> OWN = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));
    /**
     * The largest buffer a thread keeps (Debian's 6.12 tree: all but 3 of 4,230 modules fit). A
     * thread's buffer grown to the largest module (amdgpu, 30 MB) made a third of the peak memory
     * of a depmod of that tree.
     */
    private static final int KEPT_LIMIT = 8 << 20;

    private ScratchBuffer() {
    }

    /**
     * A direct buffer of at least {@code size} bytes, positioned at 0 with its limit at
     * {@code size}: this thread's own, valid until its next {@code take}, or, past
     * {@link #KEPT_LIMIT}, a new one.
     */
    static ByteBuffer take(int size) {
        if (size > KEPT_LIMIT) {
            return ByteBuffer.allocateDirect(size);
        }
        ByteBuffer b = OWN.get();
        if (b.capacity() < size) {
            b = ByteBuffer.allocateDirect(size);
            OWN.set(b);
        }
        return b.clear().limit(size);
    }

    /** Whether {@code b} is this thread's own buffer, which the next {@link #take} reuses. */
    static boolean isShared(ByteBuffer b) {
        return b == OWN.get();
    }
}
