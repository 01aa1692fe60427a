package org.modstack.index;

/**
 * Which kmod release depmod's output follows, where releases differ. Both read each other's
 * indexes; the bytes differ.
 */
public enum KmodVersion {
    /** kmod 30 (Debian bookworm): index nodes written post-order, no modules.weakdep. */
    KMOD30(IndexWriter.Layout.POST_ORDER, false, false),
    /** kmod 34, the current release: pre-order nodes, modules.weakdep, first modules.order line wins. */
    KMOD34(IndexWriter.Layout.PRE_ORDER, true, true);

    private final IndexWriter.Layout layout;
    private final boolean weakdeps;
    private final boolean firstOrderLineWins;

    KmodVersion(IndexWriter.Layout layout, boolean weakdeps, boolean firstOrderLineWins) {
        this.layout = layout;
        this.weakdeps = weakdeps;
        this.firstOrderLineWins = firstOrderLineWins;
    }

    /** How this release lays out the nodes of a binary index. */
    public IndexWriter.Layout layout() {
        return layout;
    }

    /** Whether this release writes modules.weakdep. */
    public boolean writesWeakdeps() {
        return weakdeps;
    }

    /**
     * Whether a module listed twice in modules.order takes the place of its first line (kmod
     * 34) or of its last (kmod 30).
     */
    public boolean firstOrderLineWins() {
        return firstOrderLineWins;
    }
}
