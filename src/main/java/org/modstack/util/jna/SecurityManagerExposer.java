package org.modstack.util.jna;

/**
 * Found where Native looks for {@code com.sun.jna.SecurityManagerExposer}, without being a
 * {@code SecurityManager}: Native finds no {@code getClassContext} here and keeps to StackWalker,
 * which it prefers anyway from Java 9 on.
 */
public final class SecurityManagerExposer {
    public SecurityManagerExposer() {
        // Native asks for the constructor before it asks for the method
    }
}
