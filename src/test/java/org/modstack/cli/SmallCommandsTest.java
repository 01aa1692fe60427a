package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The one-module commands a user types link no lambda: in a JVM's short life the first lambda
 * call site costs about 8 ms (java.lang.invoke's start, and a LambdaForm spun for the
 * non-capturing lambda's constant), each further one 0.35 ms, measured side by side with a
 * class-data archive. The JDK's own lambdas count too: {@code FileChannel.map}, streams'
 * terminal operations, {@code String.format} and regular expressions with character classes
 * all run one. Each command runs in a JVM of its own, on the test class path, its class
 * loading logged.
 *
 * <p>modinfo and modprobe of one name open no {@code FileChannel} either: its first use loads
 * some thirty classes and initialises the JDK's native I/O dispatch, about 0.9 ms of a command
 * whose own work takes ten; they read their files through {@code FileBytes}. (The virtual
 * kernel's commands lock their store through one.)
 */
class SmallCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void virtualKernelCommandsLinkNoLambda() throws Exception {
        Path kernel = tmp.resolve("kernel");
        assertThat(SampleTree.run("kernel", "boot", "--release=6.1", "--kernel=" + kernel).status()).isZero();
        String module = Fixtures.module("stack_core").toString();
        assertNoLambda("insmod", "--kernel=" + kernel, module);
        assertNoLambda("lsmod", "--kernel=" + kernel);
        assertNoLambda("rmmod", "--kernel=" + kernel, "stack_core");
    }

    @Test
    void modinfoLinksNoLambdaNorFileChannel() throws Exception {
        assertNoLambdaNorFileChannel("modinfo", "src/test/resources/signed/stack_core.ko");
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        assertNoLambdaNorFileChannel("modinfo", "-b", root.toString(), "-k", SampleTree.RELEASE, "stack_user");
    }

    @Test
    void modprobeShowDependsLinksNoLambdaNorFileChannel() throws Exception {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        for (String name : List.of("stack_user", "stack-alias-demo", "pci:v00001234d0000ABCDsv0sd0bc0sc0i0", "ext4",
                "no-such-module")) {
            assertNoLambdaNorFileChannel("modprobe", "-d", root.toString(), "-S", SampleTree.RELEASE, "-D", name);
        }
    }

    /**
     * A .ko.xz is decoded by liblzma through JNA, whose logger starts java.util.logging and its
     * lambdas; but liblzma is called as a function, not through a Library interface, whose
     * dynamic proxy class a JVM spins on first use.
     */
    @Test
    void modinfoOfAnXzModuleSpinsNoProxyClass() throws Exception {
        Path xz = tmp.resolve("stack_core.ko.xz");
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options())) {
            Files.copy(Fixtures.module("stack_core"), out);
        }
        List<String> loaded = classesLoaded("modinfo", "-F", "license", xz.toString());
        assertThat(loaded).as("decoded by liblzma").anyMatch(l -> l.contains(" com.sun.jna.Function "));
        assertThat(loaded).filteredOn(l -> l.contains("$Proxy")).isEmpty();
    }

    private void assertNoLambda(String... args) throws IOException, InterruptedException {
        assertNoLambda(classesLoaded(args), args);
    }

    private void assertNoLambdaNorFileChannel(String... args) throws IOException, InterruptedException {
        List<String> loaded = classesLoaded(args);
        assertNoLambda(loaded, args);
        assertThat(loaded).as(String.join(" ", args)).filteredOn(l -> l.contains(" sun.nio.ch.FileChannelImpl ")).isEmpty();
    }

    private static void assertNoLambda(List<String> loaded, String... args) {
        assertThat(loaded).as(String.join(" ", args)).filteredOn(l -> l.contains("$$Lambda")
                || l.contains("LambdaForm$MH/") || l.contains(" java.lang.invoke.InnerClassLambdaMetafactory ")).isEmpty();
    }

    /** The class-load log of a tool run in a JVM of its own, which succeeded (or found nothing: status 1). */
    private List<String> classesLoaded(String... args) throws IOException, InterruptedException {
        Path classes = Files.createTempFile(tmp, "classes", ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:file=" + classes, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", args) + ": " + output).isLessThan(2);
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).as("class loading logged").anyMatch(l -> l.contains(" org.modstack.cli.Main "));
        return loaded;
    }
}
