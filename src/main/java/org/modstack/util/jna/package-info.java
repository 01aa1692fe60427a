/**
 * What JNA's classes meet, in the shaded jar bin/modstack runs, in place of two things their
 * class initialisation reaches and a one-module command would otherwise pay for: the shade plugin
 * relocates JNA's references here (see pom.xml).
 *
 * <p>{@code java.util.logging}: JNA's classes each hold a JUL logger, and starting JUL (its
 * configuration, the search for a {@code System.LoggerFinder} service over the class path, the
 * method-handle machinery its lambdas start) was 20 of the 85 ms of a modinfo of one .ko.xz
 * (2026-12-02). {@link org.modstack.util.jna.Logger} drops what JUL's default configuration
 * drops and hands the rest to the platform logger, which starts JUL only then.
 *
 * <p>{@code com.sun.jna.SecurityManagerExposer}: Native looks it up by name on every start, a
 * {@code SecurityManager} subclass whose initialisation starts the method-handle machinery too
 * (8 ms); left out of the jar, the failed lookup indexed the jar's 2,500 entries instead (6 ms).
 *
 * <p>The library's own artifact leaves JNA as it is: these classes are for the shaded jar.
 */
package org.modstack.util.jna;
