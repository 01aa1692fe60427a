package org.modstack.index;

import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * Which kmod release depmod's output follows, where releases differ. Both read each other's
 * indexes; the bytes differ.
 */
public enum KmodVersion {
    /** kmod 30 (Debian bookworm): index nodes written post-order, no modules.weakdep. */
    KMOD30(IndexWriter.Layout.POST_ORDER, false, false, Errno.ENOENT),
    /** kmod 34, the current release: pre-order nodes, modules.weakdep, first modules.order line wins. */
    KMOD34(IndexWriter.Layout.PRE_ORDER, true, true, Errno.ENODATA);

    private final IndexWriter.Layout layout;
    private final boolean weakdeps;
    private final boolean firstOrderLineWins;
    private final Errno missingSection;

    KmodVersion(IndexWriter.Layout layout, boolean weakdeps, boolean firstOrderLineWins, Errno missingSection) {
        this.layout = layout;
        this.weakdeps = weakdeps;
        this.firstOrderLineWins = firstOrderLineWins;
        this.missingSection = missingSection;
    }

    /** The release a {@code --kmod-version} value names ({@code 30} or {@code 34}), if either. */
    public static Optional<KmodVersion> named(String number) {
        return switch (number) {
            case "30" -> Optional.of(KMOD30);
            case "34" -> Optional.of(KMOD34);
            default -> Optional.empty();
        };
    }

    /**
     * The failure libkmod's ELF reader reports for a section a module lacks (e.g. {@code __versions}
     * of a module built without modversions): {@code ENOENT} in kmod 30, {@code ENODATA} in 34.
     */
    public ErrnoException missingSection(String module, String section) {
        return new ErrnoException(missingSection, module + ": no " + section + " section");
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
