package org.modstack.module;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;

/**
 * One direct buffer per thread, reused from module to module by a reader that is done with each
 * module before it reads the next (depmod over a tree of thousands; the xz decoder's output).
 * Reading a raw module into it instead of mapping the file took a full depmod of Debian's 6.1
 * tree from about 1.8 to 1.2 s: 4,000 mappings and their page faults cost more than the copy.
 */
final class ScratchBuffer {
    /**
     * The size of a thread's own buffer: 3,985 of the 4,023 modules of Debian's 6.1 tree fit.
     * It never grows: a buffer grown to each larger module in turn was allocated and zeroed again
     * (the JDK zeroes a direct buffer 8 bytes at a time), 4% of a full depmod's CPU.
     */
    static final int KEPT_SIZE = 1 << 20;
    /** An initial value by subclass, not a lambda: see SmallCommandsTest. */
    private static final ThreadLocal<ByteBuffer> KEPT = new ThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocateDirect(KEPT_SIZE);
        }
    };
    private static final ThreadLocal<Memory> LARGE = new ThreadLocal<>();

    private ScratchBuffer() {
    }

    /**
     * A direct buffer of {@code size} bytes, positioned at 0, valid until this thread's next
     * {@code take} or {@link #giveBack}: the thread's own, or past {@link #KEPT_SIZE} native
     * memory freed then. A collected direct buffer would free it only after a collection: the
     * few large modules of a depmod, waiting for one, made 60 MB of its peak memory.
     */
    static ByteBuffer take(int size) {
        giveBack();
        if (size > KEPT_SIZE) {
            Memory m = new Memory(size);
            LARGE.set(m);
            return m.getByteBuffer(0, size);
        }
        return KEPT.get().clear().limit(size);
    }

    /** Frees the large buffer this thread's last {@link #take} made, if it made one. */
    static void giveBack() {
        Memory m = LARGE.get();
        if (m != null) {
            LARGE.remove();
            m.close();
        }
    }
}
