package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * bin/modstack on a fresh copy of the sources, as a user's first runs meet it: two at once both
 * succeed (one builds, the other waits), the build says what it does without terminal escapes,
 * and an edited source is rebuilt before the next run.
 */
@Tag("conformance")
class LauncherTest {

    @Test
    void concurrentFirstRunsBothSucceedAndAnEditedSourceIsRebuilt(@TempDir Path tmp) throws Exception {
        Path clone = tmp.resolve("modstack");
        for (String part : List.of("bin", "src", "pom.xml")) {
            copy(Path.of(part), clone.resolve(part));
        }
        String module = Fixtures.module("stack_core").toAbsolutePath().toString();
        List<String> cmd = List.of(clone.resolve("bin/modstack").toString(), "modinfo", "-F", "license", module);
        CompletableFuture<Kmod.Run> first = CompletableFuture.supplyAsync(() -> Kmod.exec(cmd));
        CompletableFuture<Kmod.Run> second = CompletableFuture.supplyAsync(() -> Kmod.exec(cmd));
        for (Kmod.Run run : List.of(first.get(), second.get())) {
            assertThat(run.status()).as(run.errText()).isZero();
            assertThat(run.outText()).isEqualTo("Dual MIT/GPL\n");
            assertThat(run.errText()).doesNotContain("\u001b");
        }
        assertThat(first.get().errText() + second.get().errText()).as("one of them built, and said so")
                .contains("modstack: building");
        assertThat(clone.resolve("target/modstack.jsa")).as("trained at build time").isRegularFile();
        assertThat(clone.resolve("target/native/libjnidispatch.so")).as("JNA's native part unpacked at build time")
                .isRegularFile();
        assertThat(clone.resolve("target/native/libzstd-jni.so")).as("zstd-jni's too").isRegularFile();

        Kmod.Run warm = Kmod.exec(cmd);
        assertThat(warm.errText()).as("nothing to build").isEmpty();
        Path xz = tmp.resolve("stack_core.ko.xz");
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options())) {
            Files.copy(Path.of(module), out);
        }
        List<String> decoded = List.of(clone.resolve("bin/modstack").toString(), "modinfo", "-F", "license",
                xz.toString());
        Path zst = tmp.resolve("stack_core.ko.zst");  // one frame that records its size, as zstd writes a file
        Files.write(zst, Zstd.compress(Files.readAllBytes(Path.of(module))));
        List<String> zstd = List.of(clone.resolve("bin/modstack").toString(), "modinfo", "-F", "license",
                zst.toString());
        assertJarNotOpened(clone.resolve("target/modstack-cli.jar"), List.of(cmd, decoded, zstd), tmp);
        assertNoNativeAccessWarningOnNewerJdks(decoded);
        Path source = clone.resolve("src/main/java/org/modstack/cli/Main.java");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        Kmod.Run rebuilt = Kmod.exec(cmd);
        assertThat(rebuilt.status()).isZero();
        assertThat(rebuilt.errText()).contains("modstack: building");
    }

    /**
     * A trained command takes every class from the archive and names the main class: the jar is
     * not opened (-jar would, for its manifest; a class the archive lacks would send the class
     * loader to it, as would a service lookup, JUL's start among them: each indexes all of its
     * entries). Nor does JNA open it to decode a .ko.xz through liblzma, nor zstd-jni a .ko.zst:
     * their native parts are the ones unpacked at build time, JNA's logger does not start JUL, and
     * the class Native looks up by name is there. Watched with strace, which sees an open that
     * fails as well.
     */
    private static void assertJarNotOpened(Path jar, List<List<String>> cmds, Path tmp) throws IOException {
        if (Kmod.exec(List.of("sh", "-c", "command -v strace")).status() != 0) {
            Trees.missing("strace is not installed; run apt-get install strace");
        }
        Path trace = tmp.resolve("opens.trace");
        for (List<String> cmd : cmds) {
            List<String> traced = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", "trace=open,openat", "-o",
                    trace.toString()));
            traced.addAll(cmd);
            Kmod.Run run = Kmod.exec(traced);
            assertThat(run.outText()).as(run.errText()).isEqualTo("Dual MIT/GPL\n");
            assertThat(Files.readString(trace)).as("files %s opened", cmd)
                    .doesNotContain(jar.getFileName().toString());
        }
    }

    /**
     * JDK 24 and later warn on stderr when JNA loads its native part, unless native access is
     * enabled: the launcher enables it there (retraining the archive for that JDK), so a tool's
     * error output stays kmod's.
     */
    private static void assertNoNativeAccessWarningOnNewerJdks(List<String> decoded) throws IOException {
        Path newer = newerJdk().orElse(null);
        if (newer == null) {
            Trees.missing("no JDK 24 or later under /usr/lib/jvm (this machine kind has Temurin's 25)");
            return;
        }
        for (int run = 0; run < 2; run++) {  // the first retrains the archive for that JDK
            Kmod.Run r = Kmod.exec(decoded, Map.of("JAVA_HOME", newer.toString()), 300);
            assertThat(r.errText()).as("%s, run %d", newer, run).isEmpty();
            assertThat(r.outText()).isEqualTo("Dual MIT/GPL\n");
        }
    }

    /** A JDK of release 24 or later under /usr/lib/jvm, by its {@code release} file. */
    private static Optional<Path> newerJdk() throws IOException {
        Pattern version = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                    Matcher m = version.matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) >= 24) {
                        return Optional.of(home);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
