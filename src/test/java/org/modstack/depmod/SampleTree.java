package org.modstack.depmod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.modstack.Fixtures;

/**
 * A module directory of our sample modules, as the depmod tests index it: each in {@code extra/},
 * listed in modules.order, beside the small tree's modules.builtin and modules.builtin.modinfo
 * (so that every output file has content).
 */
final class SampleTree {
    private SampleTree() {
    }

    /** Writes the tree into {@code moduleDir} and returns its {@code extra/} directory. */
    static Path write(Path moduleDir, List<String> samples) throws IOException {
        Path extra = Files.createDirectories(moduleDir.resolve("extra"));
        StringBuilder order = new StringBuilder();
        for (String m : samples) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
            order.append("extra/").append(m).append(".ko\n");
        }
        Files.writeString(moduleDir.resolve("modules.order"), order);
        Path small = Fixtures.resource("index/small");
        Files.copy(small.resolve("modules.builtin"), moduleDir.resolve("modules.builtin"));
        Files.copy(small.resolve("modules.builtin.modinfo"), moduleDir.resolve("modules.builtin.modinfo"));
        return extra;
    }
}
