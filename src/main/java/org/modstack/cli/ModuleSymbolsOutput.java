package org.modstack.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.elf.Section;
import org.modstack.module.KernelModule;
import org.modstack.module.SymbolVersion;

/**
 * modprobe's three modes that read one module file and nothing else:
 * {@code --show-modversions} and its synonym {@code --dump-modversions} list the module's
 * {@code __versions} table (the CRCs it expects of the symbols it uses), {@code --show-exports}
 * the symbols it provides with their CRCs. Each line is {@code 0x<crc, at least 8 hex digits>},
 * a tab and the symbol name.
 *
 * <p>kmod's modprobe reads only the first non-option argument in these modes and treats it as
 * a path, never as a module name. Its failures go through modprobe's own log: {@code FATAL} by
 * default, {@code WARNING} under {@code -a}, and nothing once the verbosity is below the
 * message's priority (under {@code -q}); the exit status is 1 either way.
 */
final class ModuleSymbolsOutput {
    /** syslog's {@code LOG_EMERG}: modprobe's verbosity under {@code -q}. */
    static final int LOG_EMERG = 0;
    /** syslog's {@code LOG_CRIT}: modprobe's message priority by default, printed as FATAL. */
    static final int LOG_CRIT = 2;
    /** syslog's {@code LOG_WARNING}: modprobe's message priority under {@code -a}. */
    static final int LOG_WARNING = 4;
    /** modprobe's verbosity without {@code -q} or {@code -v}; each {@code -v} adds one. */
    static final int DEFAULT_VERBOSE = LOG_WARNING;

    /** Bytes per {@code __versions} entry, for 32- and 64-bit modules alike. */
    private static final int VERSION_ENTRY_SIZE = 64;

    private ModuleSymbolsOutput() {
    }

    /** {@code modprobe --show-modversions path} (or {@code --dump-modversions}) without other options. */
    static int showModversions(ToolOutput io, String path) {
        return showModversions(io, path, false, DEFAULT_VERBOSE);
    }

    /**
     * {@code modprobe --show-modversions path}: the {@code __versions} table in file order.
     *
     * @param all whether {@code -a} was given (failures are then WARNINGs, not FATAL)
     * @param verbose modprobe's verbosity: {@link #DEFAULT_VERBOSE}, {@link #LOG_EMERG} after
     *     {@code -q}, one more per {@code -v}
     * @return the exit status
     */
    static int showModversions(ToolOutput io, String path, boolean all, int verbose) {
        return list(io, path, all, verbose, "modversions", ModuleSymbolsOutput::versions);
    }

    /** {@code modprobe --show-exports path} without other options. */
    static int showExports(ToolOutput io, String path) {
        return showExports(io, path, false, DEFAULT_VERBOSE);
    }

    /**
     * {@code modprobe --show-exports path}: one line per {@code __crc_} symbol in
     * {@code .symtab} order or, for a module built without modversions, each string of
     * {@code __ksymtab_strings} with CRC 0.
     *
     * @param all whether {@code -a} was given (failures are then WARNINGs, not FATAL)
     * @param verbose modprobe's verbosity, as for {@link #showModversions(ToolOutput, String, boolean, int)}
     * @return the exit status
     */
    static int showExports(ToolOutput io, String path, boolean all, int verbose) {
        return list(io, path, all, verbose, "symbols", ModuleSymbolsOutput::exports);
    }

    @FunctionalInterface
    private interface Lister {
        List<SymbolVersion> list(KernelModule m) throws ErrnoException;
    }

    private static int list(ToolOutput io, String path, boolean all, int verbose, String what, Lister lister) {
        if (!namesAModule(path)) {
            return fail(io, all, verbose, "Module " + path + " not found.\n");
        }
        List<SymbolVersion> entries;
        try {
            entries = lister.list(KernelModule.open(Path.of(path)));
        } catch (ErrnoException e) {
            return fail(io, all, verbose, "could not get " + what + " of " + path + ": " + e.errno().message() + "\n");
        }
        for (SymbolVersion v : entries) {
            io.print(crc(v.crc())).print('\t').print(v.name()).print('\n');
        }
        return 0;
    }

    /**
     * Whether libkmod makes a module of {@code path}: the path must {@code stat(2)} (any failure
     * counts as absent) and its last component, after the last slash, must not be empty.
     */
    private static boolean namesAModule(String path) {
        if (path.isEmpty() || path.endsWith("/")) {
            return false;
        }
        try {
            Files.readAttributes(Path.of(path), BasicFileAttributes.class);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code __versions}: absent is ENOENT, a size that is not a whole number of entries EINVAL. */
    private static List<SymbolVersion> versions(KernelModule m) throws ErrnoException {
        Optional<Section> table = m.elf().section("__versions");
        if (table.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, m.path() + ": no __versions section");
        }
        if (table.get().size() % VERSION_ENTRY_SIZE != 0) {
            throw new ErrnoException(Errno.EINVAL, m.path() + ": __versions is not a whole number of entries");
        }
        return m.versions();
    }

    /**
     * The provided symbols; when the module has no {@code __crc_} symbols and so falls back to
     * {@code __ksymtab_strings}, a missing section is ENOENT (a module that exports nothing).
     */
    private static List<SymbolVersion> exports(KernelModule m) throws ErrnoException {
        List<SymbolVersion> provided = m.providedSymbols();
        if (provided.isEmpty() && m.elf().section("__ksymtab_strings").isEmpty()) {
            throw new ErrnoException(Errno.ENOENT, m.path() + ": no __crc_ symbols and no __ksymtab_strings");
        }
        return provided;
    }

    /**
     * Reports through modprobe's log: priority CRIT (FATAL, after which kmod exits) or, under
     * {@code -a}, WARNING, shown only when the priority is within the verbosity. Exit status 1.
     */
    private static int fail(ToolOutput io, boolean all, int verbose, String message) {
        int priority = all ? LOG_WARNING : LOG_CRIT;
        if (priority <= verbose) {
            if (all) {
                io.warning(message);
            } else {
                io.fatal(message);
            }
        }
        return 1;
    }

    /** {@code "0x%08" PRIx64}: unsigned lower-case hex, zero-padded to eight digits. */
    static String crc(long crc) {
        String hex = Long.toHexString(crc);
        return hex.length() >= 8 ? "0x" + hex : "0x" + "00000000".substring(hex.length()) + hex;
    }
}
