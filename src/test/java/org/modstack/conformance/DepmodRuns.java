package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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

    /** A {@code kmodStatus} that takes whatever kmod's depmod exits with (ours must still match it). */
    static final int ANY_STATUS = -1;

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
        return compare(what, version, moduleDir, args, 0);
    }

    /**
     * As {@link #compare(String, int, Path, List)}, for a case where kmod's depmod exits with
     * {@code kmodStatus} (1 for a refused module list or a dependency cycle): both sides failing
     * in some other way cannot pass.
     */
    static int compare(String what, int version, Path moduleDir, List<String> args, int kmodStatus) throws Exception {
        return compare(what, version, moduleDir, args, kmodStatus, List.of());
    }

    /** As {@link #compare(String, int, Path, List, int)}, with options given to modstack only ({@code --no-cache}). */
    static int compare(String what, int version, Path moduleDir, List<String> args, int kmodStatus,
                       List<String> oursOnly) throws Exception {
        TreeCopy.clean(moduleDir);
        Outcome kmod = capture(moduleDir, realDepmod(version, args));
        if (kmodStatus != ANY_STATUS) {
            assertThat(kmod.run().status()).as(what + ": kmod's depmod " + version + " exit status: "
                    + kmod.run().errText()).isEqualTo(kmodStatus);
        }
        TreeCopy.clean(moduleDir);
        List<String> ours = new ArrayList<>(List.of("--kmod-version=" + version));
        ours.addAll(oursOnly);
        ours.addAll(args);
        Outcome mine = capture(moduleDir, Kmod.ours("depmod", ours));
        Comparison.assertSame(what, masked(kmod.run()), masked(mine.run()));
        Comparison.assertSameFiles(what, kmod.files(), mine.files());
        return kmod.files().size();
    }

    /**
     * {@code depmod -A} both ways: on an index newer than every module (kmod and modstack leave
     * it as it is) and after a module was changed past it (both index again). Each side starts
     * from the same state: kmod's full index, then the module's time set.
     */
    static void compareQuick(String what, int version, Path moduleDir, List<String> args) throws Exception {
        List<String> full = new ArrayList<>(args);
        full.remove("-A");
        List<String> ours = new ArrayList<>(List.of("--kmod-version=" + version));
        ours.addAll(args);
        for (boolean stale : new boolean[] {false, true}) {
            String which = what + (stale ? " after a module changed" : " on an up-to-date index");
            prepare(version, moduleDir, full, stale);
            Outcome kmod = capture(moduleDir, realDepmod(version, args));
            prepare(version, moduleDir, full, stale);
            Outcome mine = capture(moduleDir, Kmod.ours("depmod", ours));
            Comparison.assertSame(which, kmod.run(), mine.run());
            Comparison.assertSameFiles(which, kmod.files(), mine.files());
        }
    }

    /** kmod's full index, then a sample module's time set five seconds after (or before) modules.dep's. */
    private static void prepare(int version, Path moduleDir, List<String> full, boolean stale) throws Exception {
        TreeCopy.clean(moduleDir);
        assertThat(realDepmod(version, full).status()).isZero();
        long dep = Files.getLastModifiedTime(moduleDir.resolve("modules.dep")).toMillis();
        Files.setLastModifiedTime(moduleDir.resolve("extra/stack_core.ko"), FileTime.fromMillis(dep + (stale ? 5000 : -5000)));
    }

    /** The addresses of depmod's log function and libkmod's context, which libkmod reports at -vv, masked. */
    private static Kmod.Run masked(Kmod.Run run) {
        String err = run.errText().replaceAll("(custom logging function|context) 0x[0-9a-f]+ ", "$1 0x... ");
        return new Kmod.Run(run.out(), err.getBytes(StandardCharsets.ISO_8859_1), run.status());
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
