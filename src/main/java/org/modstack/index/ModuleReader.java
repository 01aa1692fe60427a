package org.modstack.index;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.modstack.ErrnoException;
import org.modstack.elf.ElfFormatException;
import org.modstack.module.Import;
import org.modstack.module.ModinfoEntry;
import org.modstack.module.Module;
import org.modstack.module.SymbolVersion;

/**
 * Reads what depmod needs from every module file. Files are parsed in parallel; what they
 * yield, and any error, is taken in module order, so the output does not depend on timing.
 */
final class ModuleReader {
    private ModuleReader() {
    }

    static void readAll(List<DepmodModule> modules, Depmod.Log log) {
        modules.parallelStream().forEach(m -> m.contents = read(m));
        for (DepmodModule m : modules) {
            if (m.contents.error() != null) {
                log.error("failed to load symbols from " + m.path + ": " + m.contents.error() + "\n");
            }
        }
    }

    static DepmodModule.Contents read(DepmodModule m) {
        Module module;
        try {
            module = Module.open(Path.of(m.path));
        } catch (ErrnoException e) {
            return new DepmodModule.Contents(List.of(), null, List.of(), List.of(), List.of(), e.errno().message());
        }
        List<SymbolVersion> provided = module.providedSymbols();
        List<Import> required;
        try {
            required = module.requiredSymbols();
        } catch (ElfFormatException e) {
            required = null;
        }
        List<String> aliases = new ArrayList<>();
        List<String> softdeps = new ArrayList<>();
        List<String> weakdeps = new ArrayList<>();
        try {
            for (ModinfoEntry e : module.modinfo()) {
                switch (e.key()) {
                    case "alias" -> aliases.add(e.value());
                    case "softdep" -> softdeps.add(e.value());
                    case "weakdep" -> weakdeps.add(e.value());
                    default -> {
                    }
                }
            }
        } catch (ErrnoException noModinfo) {
            // a module without .modinfo has no aliases or soft dependencies to list
        }
        return new DepmodModule.Contents(provided, required, aliases, softdeps, weakdeps, null);
    }
}
