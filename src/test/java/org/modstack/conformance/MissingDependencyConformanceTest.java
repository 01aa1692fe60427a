package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.module.ModuleName;

/**
 * A tree whose modules.dep names files that are gone, as after deleting modules without running
 * depmod: libkmod logs the first missing dependency of a line each time it reads the line, and
 * the module gets no dependency at all. modprobe's load and removal plans (kmod 30 and 34) and
 * modinfo by name, against kmod's, on Debian's tree with two widely used modules deleted. The
 * address of libkmod's context, which its message gives, is masked on both sides.
 */
@Tag("conformance")
class MissingDependencyConformanceTest {
    private static final List<String> DELETED = List.of("/ip6_udp_tunnel.ko", "/snd-pcm.ko");

    @Test
    void modulesWhoseDependenciesAreGoneAreShownAsKmodShowsThem(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path root = dir.resolve("root");
        // hard links: only the copy loses the files
        assertThat(new ProcessBuilder("cp", "-al", tree.root().toString(), root.toString()).inheritIO().start()
                .waitFor()).isZero();
        List<String> names = new ArrayList<>();
        for (Path module : tree.modules()) {
            names.add(ModuleName.fromPath(module.toString()));
            String relative = tree.root().relativize(module).toString();
            if (DELETED.stream().anyMatch(relative::endsWith)) {
                Files.delete(root.resolve(relative));
            }
        }
        List<String> base = List.of("-C", "/nonexistent", "-d", root.toString(), "-S", tree.release());
        int logged = 0;
        for (List<String> mode : List.of(List.of("--show-depends", "-a"), List.of("--show-depends", "-r", "-a"))) {
            for (int version : List.of(30, 34)) {
                List<String> args = new ArrayList<>(base);
                args.addAll(mode);
                args.addAll(names);
                Kmod.Run kmod = Kmod34.real(version, "modprobe", args);
                Comparison.assertSame("modprobe " + mode + " (kmod " + version + ")", masked(kmod),
                        masked(Kmod34.ours(version, "modprobe", args)));
                logged = Math.max(logged, (int) kmod.errText().lines().count());
            }
        }
        List<String> modinfo = new ArrayList<>(List.of("-b", root.toString(), "-k", tree.release(), "-F", "filename"));
        modinfo.addAll(names);
        Comparison.assertSame("modinfo by name", masked(Kmod.real("modinfo", modinfo)),
                masked(Kmod.ours("modinfo", modinfo)));
        assertThat(logged).as("libkmod's errors about the deleted files").isGreaterThan(10);
        System.out.printf("conformance: %d modules, %s deleted: modprobe -D, -r -D (kmod 30, 34), modinfo:"
                + " 0 mismatches (%d errors logged)%n", names.size(), DELETED, logged);
    }

    private static Kmod.Run masked(Kmod.Run run) {
        String err = run.errText().replaceAll("ctx=0x[0-9a-f]+", "ctx=0x...");
        return new Kmod.Run(run.out(), err.getBytes(StandardCharsets.UTF_8), run.status());
    }
}
