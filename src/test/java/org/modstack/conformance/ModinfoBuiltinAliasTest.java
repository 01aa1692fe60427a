package org.modstack.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;

/**
 * Built-in modules sharing an alias: modinfo lists them in the order libkmod's stream reader
 * returns them, which is not the order modprobe's mapped reader uses.
 */
@Tag("conformance")
class ModinfoBuiltinAliasTest {

    @Test
    void builtinModulesSharingAnAliasComeInKmodsOrder(@TempDir Path tmp) throws Exception {
        Trees.requireKmod();
        Path dir = Files.createDirectories(tmp.resolve("lib/modules/6.1.0-test"));
        Path small = Fixtures.resource("index/small");
        for (String f : List.of("modules.builtin", "modules.builtin.modinfo")) {
            Files.copy(small.resolve(f), dir.resolve(f));
        }
        try (var bins = Files.list(small.resolve("kmod30"))) {
            for (Path p : (Iterable<Path>) bins::iterator) {
                Files.copy(p, dir.resolve(p.getFileName().toString()));
            }
        }
        List<String> args = List.of("-b", tmp.toString(), "-k", "6.1.0-test", "crc32c", "crc32c_generic");
        Comparison.assertSame("modinfo of a shared builtin alias", Kmod.real("modinfo", args), Kmod.ours("modinfo", args));
    }
}
