package org.modstack.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs kmod's depmod (30 or 34) and modstack's on the same module directory, one after the
 * other, and compares standard output, standard error, exit status and every file written.
 */
final class DepmodRuns {
    private DepmodRuns() {
    }

    /** What a depmod run printed and wrote. */
    record Outcome(Kmod.Run run, Map<String, byte[]> files) {
    }

    /**
     * Compares kmod {@code version} (30 or 34) with modstack emulating it, on the tree whose
     * module directory is {@code moduleDir}, with {@code args} (which name the tree).
     *
     * @return the number of files compared
     */
    static int compare(String what, int version, Path moduleDir, List<String> args) throws Exception {
        TreeCopy.clean(moduleDir);
        Outcome kmod = capture(moduleDir, realDepmod(version, args));
        TreeCopy.clean(moduleDir);
        List<String> ours = new ArrayList<>(List.of("--kmod-version=" + version));
        ours.addAll(args);
        Outcome mine = capture(moduleDir, Kmod.ours("depmod", ours));
        Comparison.assertSame(what, kmod.run(), mine.run());
        Comparison.assertSameFiles(what, kmod.files(), mine.files());
        return kmod.files().size();
    }

    private static Outcome capture(Path moduleDir, Kmod.Run run) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : TreeCopy.OUTPUTS) {
            Path p = moduleDir.resolve(f);
            if (Files.exists(p)) {
                files.put(f, Files.readAllBytes(p));
            }
        }
        return new Outcome(run, files);
    }

    /** kmod's depmod of the given release. */
    static Kmod.Run realDepmod(int version, List<String> args) throws IOException, InterruptedException {
        if (version == 30) {
            return Kmod.real("depmod", args);
        }
        List<String> cmd = Kmod34.kmod34("depmod");
        cmd.addAll(args);
        return Kmod.exec(cmd);
    }

}
