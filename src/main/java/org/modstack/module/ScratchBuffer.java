package org.modstack.module;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;

/**
 * One direct buffer per thread, reused from module to module by a reader that is done with each
 * module before it reads the next (depmod over a tree of thousands; the xz decoder's output).
 * Reading a raw module into it instead of mapping the file took a full depmod of Debian's 6.1
 * tree from about 1.8 to 1.4 s: 4,000 mappings and their page faults cost more than the copy.
 */
final class ScratchBuffer {
    private static final ThreadLocal<ByteBuffer> KEPT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));
    private static final ThreadLocal<Memory> OVERSIZE = new ThreadLocal<>();
    /**
     * The largest buffer a thread keeps (Debian's 6.12 tree: all but 3 of 4,230 modules fit). A
     * thread's buffer grown to the largest module (amdgpu, 30 MB) made a third of the peak memory
     * of a depmod of that tree.
     */
    static final int KEPT_LIMIT = 8 << 20;

    private ScratchBuffer() {
    }

    /**
     * A direct buffer of {@code size} bytes, positioned at 0, valid until this thread's next
     * {@code take} or {@link #giveBack}: the thread's own, or past {@link #KEPT_LIMIT} native
     * memory freed then. A collected direct buffer would free it only after a collection: the
     * few large modules of a depmod, waiting for one, made 60 MB of its peak memory.
     */
    static ByteBuffer take(int size) {
        giveBack();
        if (size > KEPT_LIMIT) {
            Memory m = new Memory(size);
            OVERSIZE.set(m);
            return m.getByteBuffer(0, size);
        }
        ByteBuffer b = KEPT.get();
        if (b.capacity() < size) {
            b = ByteBuffer.allocateDirect(size);
            KEPT.set(b);
        }
        return b.clear().limit(size);
    }

    /** Frees the large buffer this thread's last {@link #take} made, if it made one. */
    static void giveBack() {
        Memory m = OVERSIZE.get();
        if (m != null) {
            OVERSIZE.remove();
            m.close();
        }
    }
}
