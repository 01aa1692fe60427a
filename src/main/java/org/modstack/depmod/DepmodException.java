package org.modstack.depmod;

/**
 * depmod cannot index the tree. The message is depmod's own words (without its
 * {@code depmod: FATAL: } prefix); a message already logged is empty.
 */
public final class DepmodException extends Exception {
    private static final long serialVersionUID = 1L;

    public DepmodException(String message) {
        super(message);
    }
}
