package org.modstack.index;

/**
 * The layout of kmod's binary index files ({@code modules.*.bin}), shared by reader and writer.
 *
 * <pre>
 * header:  be32 magic 0xB007F457, be32 version 0x00020001, be32 root node offset | flags
 * node:    [prefix NUL]                                   if flags &amp; PREFIX
 *          [u8 first][u8 last][be32 child x (last-first+1)] if flags &amp; CHILDS
 *          [be32 count][{be32 priority, value NUL} x count] if flags &amp; VALUES
 * </pre>
 *
 * A node is named by a be32 holding its offset in the low 28 bits and its flags in the top
 * nibble; 0 means "no child". Keys are 7-bit ASCII.
 */
public final class IndexFormat {
    private IndexFormat() {
    }

    public static final int MAGIC = 0xB007F457;
    public static final int VERSION_MAJOR = 0x0002;
    public static final int VERSION_MINOR = 0x0001;
    /** The header's version word, as written. */
    public static final int VERSION = VERSION_MAJOR << 16 | VERSION_MINOR;
    public static final int FLAG_PREFIX = 0x80000000;
    public static final int FLAG_VALUES = 0x40000000;
    public static final int FLAG_CHILDS = 0x20000000;
    public static final int OFFSET_MASK = 0x0FFFFFFF;
    public static final int HEADER_SIZE = 12;
    /**
     * Key characters must be below this: a node's child table is indexed by character, and
     * depmod's in-memory nodes have this many child slots.
     */
    public static final int CHILD_MAX = 128;
}
