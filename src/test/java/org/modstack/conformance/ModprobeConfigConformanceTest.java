package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;
import org.modstack.index.KmodVersion;
import org.modstack.modprobe.ModprobeConfig;

/**
 * {@link ModprobeConfig#dump()} and its messages against {@code modprobe -c} of kmod 30 and 34:
 * standard output, standard error and exit status, on the fixture configuration of
 * {@code src/test/resources/config} (every command, several lines for one module, bad lines,
 * two directories, a file given directly, a nested directory), with and without a module
 * directory holding modules.softdep/modules.weakdep, on this machine's default directories, and
 * on kernel command lines.
 *
 * <p>kmod reads the kernel command line only from /proc/cmdline. Those cases bind-mount a file
 * over it in a private mount namespace ({@code unshare -m}), which needs root; where that is not
 * possible they are skipped, even under CI. Every kmod run gets {@code -d <root> -S <release>}
 * so that the host's own module directory never takes part.
 */
@Tag("conformance")
class ModprobeConfigConformanceTest {
    private static final String RELEASE = "1.0-test";

    @TempDir
    Path tmp;

    private Path config;
    private Path emptyRoot;
    private Path indexRoot;

    @BeforeEach
    void fixtures() throws IOException {
        config = tmp.resolve("config");
        Path src = Fixtures.resource("config");
        for (String dir : List.of("rich", "override")) {
            Files.createDirectories(config.resolve(dir));
            try (var files = Files.list(src.resolve(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, config.resolve(dir).resolve(f.getFileName()));
                }
            }
        }
        Files.createDirectories(config.resolve("rich/nested.conf"));
        emptyRoot = tmp.resolve("empty-root");
        Files.createDirectories(emptyRoot.resolve("lib/modules").resolve(RELEASE));
        indexRoot = tmp.resolve("index-root");
        Path dir = Files.createDirectories(indexRoot.resolve("lib/modules").resolve(RELEASE));
        Files.copy(src.resolve("moddir/modules.softdep"), dir.resolve("modules.softdep"));
        Files.copy(src.resolve("moddir/modules.weakdep"), dir.resolve("modules.weakdep"));
    }

    private static List<String> kmod(int version) {
        return version == 30 ? Kmod34.kmod30("modprobe") : Kmod34.kmod34("modprobe");
    }

    private static KmodVersion kmodVersion(int version) {
        return version == 30 ? KmodVersion.KMOD30 : KmodVersion.KMOD34;
    }

    /** The prefix that runs a command with {@code file} bind-mounted over /proc/cmdline, or a skip. */
    private List<String> withCmdline(Path file) {
        List<String> prefix = List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /proc/cmdline && exec \"$@\"", file.toString());
        List<String> probe = new ArrayList<>(prefix);
        probe.addAll(List.of("cat", "/proc/cmdline"));
        Kmod.Run r;
        try {
            Files.writeString(file, "modstack-probe");
            r = Kmod.exec(probe);
        } catch (IOException | RuntimeException e) {
            r = new Kmod.Run(new byte[0], e.toString().getBytes(StandardCharsets.ISO_8859_1), -1);
        }
        if (r.status() != 0 || !r.outText().equals("modstack-probe")) {
            Trees.missing("kernel command line cases need root to bind-mount over /proc/cmdline (unshare -m): "
                    + r.errText());
        }
        return prefix;
    }

    /**
     * Runs {@code modprobe -c} with {@code configPaths} as -C options, on {@code root}'s module
     * directory, and compares it with the model; {@code cmdline} empty means the real /proc/cmdline.
     */
    private void compare(int version, String what, List<String> configPaths, Path root, Optional<String> cmdline)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (cmdline.isPresent()) {
            Path file = tmp.resolve("cmdline");
            cmd.addAll(withCmdline(file));
            Files.write(file, cmdline.get().getBytes(StandardCharsets.ISO_8859_1));
        }
        cmd.addAll(kmod(version));
        cmd.add("-c");
        for (String p : configPaths) {
            cmd.add("-C");
            cmd.add(p);
        }
        cmd.addAll(List.of("-d", root.toString(), "-S", RELEASE));
        Kmod.Run real = Kmod.exec(cmd);

        StringBuilder err = new StringBuilder();
        ModprobeConfig ours = ModprobeConfig.load(configPaths,
                Optional.of(root + "/lib/modules/" + RELEASE), cmdline, kmodVersion(version), err::append);
        String label = "kmod " + version + ", " + what;
        assertThat(ours.dump()).as(label + ": stdout").isEqualTo(real.outText());
        assertThat(err.toString()).as(label + ": stderr").isEqualTo(real.errText());
        assertThat(0).as(label + ": exit status").isEqualTo(real.status());
        System.out.printf("conformance: modprobe -c kmod %d, %s: 0 mismatches (%d lines out, %d lines err)%n",
                version, what, real.outText().split("\n", -1).length - 1, real.errText().split("\n", -1).length - 1);
    }

    private String rich() {
        return config.resolve("rich").toString();
    }

    private String override() {
        return config.resolve("override").toString();
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void everyCommandAndBadLine(int version) throws IOException {
        compare(version, "rich configuration", List.of(rich()), emptyRoot, Optional.empty());
        compare(version, "rich configuration, no module directory at all", List.of(rich()), tmp.resolve("nowhere"),
                Optional.empty());
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void precedenceOfDirectoriesAndFiles(int version) throws IOException {
        Path single = Files.writeString(tmp.resolve("options.conf"), "options given-directly z=1\nbad line\n");
        if (version == 34) {
            // kmod 30 stats a dangling link into an uninitialized buffer; only kmod 34 reports it
            Files.createSymbolicLink(config.resolve("override/dangling.conf"), tmp.resolve("no-such-file"));
        }
        compare(version, "two directories", List.of(override() + "/", rich()), emptyRoot, Optional.empty());
        compare(version, "a file given directly first", List.of(single.toString(), rich(), override()), emptyRoot,
                Optional.empty());
        compare(version, "a missing path and a file given last", List.of(tmp + "/missing", rich(), single.toString()),
                emptyRoot, Optional.empty());
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void moduleDirectorySoftdepsSortAmongTheFiles(int version) throws IOException {
        compare(version, "modules.softdep and modules.weakdep", List.of(rich(), override()), indexRoot,
                Optional.empty());
        Files.delete(indexRoot.resolve("lib/modules").resolve(RELEASE).resolve("modules.weakdep"));
        compare(version, "modules.softdep only (a kmod 30 tree)", List.of(rich(), override()), indexRoot,
                Optional.empty());
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void thisMachinesDefaultDirectories(int version) throws IOException {
        compare(version, "default configuration directories", List.of(), emptyRoot, Optional.empty());
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void kernelCommandLines(int version) throws IOException {
        List<String> lines = List.of(
                "",
                "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=1234-abcd ro quiet nvme_core.default_ps_max_latency_us=0 "
                        + "snd-hda-intel.model=auto modprobe.blacklist=nouveau,radeon -- init=/bin/sh\n",
                "a.b=1 \"c.d=e f\" modprobe.blacklist=x,y-z,,w g-h.i=\"j k\" .p=1 m. m.p m.p.q=1 m=x.y \"q.r\" "
                        + "\"s.t=u\" v\"w.x=1\" y.z=\"unterminated a.b=2 ",
                "bad]-x.p=1 a-b[c.d=1 a-[x-y]-b.e=1 \"modprobe.blacklist=q,r\" modprobe.blacklist modprobe.foo=1 "
                        + "t.u=a\"b c\"d tab.x=\"a\tb\" n.o=1\"\n",
                "a.b=1\0c.d=2\n",
                "\n m.a=1\n\tm.b=2\r\u000bm.c=3\fm-x.d=4",
                "x.y=" + "a".repeat(4085) + " p.q=1",
                "x.y=" + "a".repeat(4090) + " p.q=1",
                "\"quoted.word=with \"inner\" quotes\" last.one=\"\" modprobe.blacklist=\n");
        for (int i = 0; i < lines.size(); i++) {
            compare(version, "kernel command line " + i, List.of(), emptyRoot, Optional.of(lines.get(i)));
        }
        compare(version, "kernel command line after the configuration", List.of(rich()), indexRoot,
                Optional.of("snd-hda-intel.extra=1 modprobe.blacklist=late real-module.x=\"y z\"\n"));
    }
    /**
     * Configuration files of random lines: every command and some that are none, names with the
     * characters aliases and the dash rule treat specially, softdep markers, options with quotes,
     * continuations, comments, blanks of every kind, control and high bytes. Seeded: the same
     * files each run, one {@code modprobe -c} each.
     */
    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void randomLinesGetKmodsDump(int version) throws IOException {
        Random random = new Random(31);
        Path dir = Files.createDirectories(tmp.resolve("random"));
        for (int i = 0; i < 150; i++) {
            Path file = dir.resolve("random-" + i + ".conf");
            Files.write(file, RandomConfig.lines(random, 1 + random.nextInt(12)));
            compare(version, "random configuration " + i, List.of(file.toString()), indexRoot, Optional.empty());
        }
    }
}
