package org.modstack.depmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modstack.ErrnoException;
import org.modstack.index.KmodHash;

/**
 * The order depmod lists modules in, which is also each module's index (its priority in the
 * binary indexes): kmod's hash-table order by name, then modules.order, whose modules come
 * first in file order while the rest keep their hash order.
 */
final class ModuleOrder {
    private static final int MODULE_BUCKETS = 512;
    private static final String ORDER_FILE = "modules.order";

    private ModuleOrder() {
    }

    static List<DepmodModule> arrange(Map<String, DepmodModule> byName, Depmod.Options options, Depmod.Log log) {
        List<DepmodModule> modules = new ArrayList<>(
                KmodHash.iterationOrder(byName.values(), m -> m.name, MODULE_BUCKETS));
        for (int i = 0; i < modules.size(); i++) {
            modules.get(i).index = i;
            modules.get(i).sortIndex = 1;
        }
        if (applyOrderFile(modules, options, log)) {
            // List.sort is stable, like glibc's qsort here
            modules.sort((a, b) -> Integer.compare(a.sortIndex, b.sortIndex));
            for (int i = 0; i < modules.size(); i++) {
                modules.get(i).index = i;
            }
        }
        return modules;
    }

    /** Gives listed modules negative sort keys; false when there is nothing to sort by. */
    private static boolean applyOrderFile(List<DepmodModule> modules, Depmod.Options options, Depmod.Log log) {
        byte[] data;
        Path file = Path.of(options.moduleDir(), ORDER_FILE);
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            log.warning("could not open " + ORDER_FILE + " at " + options.moduleDir() + ": No such file or directory\n");
            return false;
        } catch (IOException e) {
            log.warning("could not open " + ORDER_FILE + " at " + options.moduleDir() + ": "
                    + ErrnoException.of(e, "").errno().message() + "\n");
            return false;
        }
        String text = new String(data, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        int complete = lines.length - 1;  // lines that end with a newline
        if (!lines[complete].isEmpty()) {
            log.error(options.moduleDir() + "/" + ORDER_FILE + ":" + lines.length + " corrupted line misses '\\n'\n");
            return false;
        }
        Map<String, DepmodModule> byPath = new HashMap<>();
        for (DepmodModule m : modules) {
            if (m.uncompressedRelpath != null) {
                byPath.putIfAbsent(m.uncompressedRelpath, m);
            }
        }
        int total = complete + 1;
        int next = -modules.size();
        for (int i = 0; i < complete; i++) {
            DepmodModule m = byPath.get(lines[i]);
            if (m == null) {
                continue;
            }
            if (options.version().firstOrderLineWins()) {
                if (m.sortIndex < 0) {
                    continue;
                }
                m.sortIndex = next++;
            } else {
                m.sortIndex = (i + 1) - total;
            }
        }
        return true;
    }
}
