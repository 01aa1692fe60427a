package org.modstack.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.index.KmodVersion;
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
    private ModuleSymbolsOutput() {
    }

    /**
     * {@code modprobe --show-modversions path} (or {@code --dump-modversions}): the
     * {@code __versions} table in file order; failures go to modprobe's {@code log}.
     *
     * @return the exit status
     */
    static int showModversions(ToolOutput io, String path, ModprobeLog log, KmodVersion version) {
        return list(io, path, log, version, "modversions", KernelModule::versionTable);
    }

    /**
     * {@code modprobe --show-exports path}: one line per {@code __crc_} symbol in
     * {@code .symtab} order or, for a module built without modversions, each string of
     * {@code __ksymtab_strings} with CRC 0; failures go to modprobe's {@code log}.
     *
     * @return the exit status
     */
    static int showExports(ToolOutput io, String path, ModprobeLog log, KmodVersion version) {
        return list(io, path, log, version, "symbols", ModuleSymbolsOutput::exports);
    }

    @FunctionalInterface
    private interface Lister {
        List<SymbolVersion> list(KernelModule m) throws ErrnoException;
    }

    private static int list(ToolOutput io, String path, ModprobeLog log, KmodVersion version, String what,
                            Lister lister) {
        if (!namesAModule(path)) {
            log.log(io, "Module " + path + " not found.\n");
            return 1;
        }
        List<SymbolVersion> entries;
        try {
            entries = lister.list(KernelModule.open(Path.of(path)));
        } catch (ErrnoException e) {
            // the file was just found: ENOENT is the section the module lacks, whose errno is the release's
            Errno errno = e.errno() == Errno.ENOENT ? version.missingSection(path, what).errno() : e.errno();
            log.log(io, "could not get " + what + " of " + path + ": " + errno.message() + "\n");
            return 1;
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
        } catch (IOException | InvalidPathException e) {
            return false;
        }
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
    /** {@code "0x%08" PRIx64}: unsigned lower-case hex, zero-padded to eight digits. */
    static String crc(long crc) {
        String hex = Long.toHexString(crc);
        return hex.length() >= 8 ? "0x" + hex : "0x" + "00000000".substring(hex.length()) + hex;
    }
}
