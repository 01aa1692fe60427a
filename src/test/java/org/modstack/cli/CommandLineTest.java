package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.kernel.KernelStore;

/**
 * What a user can rely on across every tool: one rule for which kernel a command acts on, one
 * way to pass options, help that lists them, and failures in one line that name their file.
 */
class CommandLineTest {
    @TempDir
    Path tmp;
    private Path kernel;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(out, err, args);
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    @BeforeEach
    void boot() {
        kernel = tmp.resolve("kernel");
        assertThat(run("kernel", "boot", "--release=6.1", "--kernel=" + kernel).status()).isZero();
        assertThat(run("insmod", "--kernel=" + kernel, Fixtures.module("stack_core").toString()).status()).isZero();
    }

    @Test
    void withoutAReleaseKernelBootAndTreeTakeDebiansCurrentStable612() {
        Path k = tmp.resolve("default");
        assertThat(run("kernel", "boot", "--kernel=" + k)).isEqualTo(new Run(0, "booted " + Fixtures.KERNEL_6_12.release() + " in " + k + "\n", ""));
        assertThat(run("insmod", "--kernel=" + k, Fixtures.module("6.12", "stack_core").toString()).status()).isZero();
        assertThat(run("lsmod", "--kernel=" + k).out()).endsWith("\nstack_core             12288  0\n");
        assertThat(run("kernel", "tree", tmp.resolve("tree").toString())).isEqualTo(new Run(0, Fixtures.KERNEL_6_12.release() + "\n", ""));
        assertThat(run("kernel", "boot", "--help").out()).contains("trixie...); default 6.12\n");
        assertThat(run("kernel", "tree", "--help").out()).contains("the default carried kernel's files (6.12)");
    }

    @Test
    void kernelDirWithSpaceOrEqualsSignActsOnTheSameKernel() {
        List<List<String>> commands = List.of(List.of("lsmod"), List.of("kernel", "dmesg"),
                List.of("kernel", "cat", "/proc/modules"), List.of("kernel", "ls", "/sys/module/stack_core"),
                List.of("kernel", "stat", "/sys/module/stack_core/refcnt"), List.of("modprobe", "-D", "stack_core"),
                List.of("modinfo", "-F", "license", "stack_core"));
        for (List<String> c : commands) {
            int at = c.get(0).equals("kernel") ? 2 : 1;
            List<String> spaced = new ArrayList<>(c);
            spaced.addAll(at, List.of("--kernel", kernel.toString()));
            List<String> joined = new ArrayList<>(c);
            joined.add(at, "--kernel=" + kernel);
            Run a = run(spaced.toArray(String[]::new));
            assertThat(a).as(String.join(" ", c)).isEqualTo(run(joined.toArray(String[]::new)));
        }
        assertThat(run("lsmod", "--kernel", kernel.toString()).out()).contains("stack_core");
    }

    @Test
    void kmodToolsActOnTheRunningSystemUnlessAKernelIsNamed() {
        // a kernel in the default place (the tests' XDG_STATE_HOME) does not change what lsmod means
        Path defaultKernel = KernelStore.defaultDirectory();
        assertThat(run("kernel", "boot", "--release=6.1", "--force").status()).isZero();
        assertThat(run("insmod", "--kernel=" + defaultKernel, Fixtures.module("stack_core").toString()).status()).isZero();
        Run lsmod = run("lsmod");
        assertThat(lsmod.out() + lsmod.err()).doesNotContain("stack_core");
        if (!Files.exists(Path.of("/proc/modules"))) {
            assertThat(lsmod.err()).endsWith("Error: could not get list of modules: No such file or directory\n");
        }
        assertThat(run("insmod", Fixtures.module("stack_user").toString()).err()).doesNotContain("Unknown symbol");
        Run plan = run("modprobe", "-D", "stack_core");
        assertThat(plan.out() + plan.err()).as("the running system's module directory, as kmod's modprobe")
                .doesNotContain(defaultKernel.toString()).doesNotContain("insmod");
    }

    @Test
    void everyToolAndSubcommandHelpsWithEveryOption() {
        Map<String, List<Getopt.Spec>> tables = new LinkedHashMap<>(ToolTable.optionTables());
        // the harness commands are not GetoptTools: their options, as their help must name them
        tables.put("kernel scenario", List.of(Getopt.Spec.longOnly("root", Getopt.Arg.REQUIRED, "root"),
                Getopt.Spec.longOnly("modules", Getopt.Arg.REQUIRED, "modules")));
        for (String sub : KernelTool.names()) {
            tables.putIfAbsent("kernel " + sub, List.of());
        }
        assertThat(tables).containsKeys("modinfo", "depmod", "modprobe", "insmod", "rmmod", "lsmod", "kernel boot");
        SoftAssertions soft = new SoftAssertions();
        tables.forEach((line, specs) -> {
            List<String> argv = new ArrayList<>(List.of(line.split(" ")));
            argv.add("--help");
            Run help = run(argv.toArray(String[]::new));
            soft.assertThat(help.status()).as(argv.toString()).isZero();
            soft.assertThat(help.err()).as(argv.toString()).isEmpty();
            for (Getopt.Spec spec : specs) {
                String name = spec.longName() != null ? "--" + spec.longName() : "-" + spec.shortName();
                soft.assertThat(help.out()).as(line + " names " + name).contains(name);
            }
        });
        soft.assertAll();
        for (String t : ToolTable.TOOLS.keySet()) {
            assertThat(run(t, "--help").status()).as(t).isZero();
        }
    }

    @Test
    void modstackItselfHasVersionHelpAndAnUnknownToolMessage() {
        assertThat(run("--version")).isEqualTo(new Run(0, Main.VERSION, ""));
        assertThat(run("help").status()).isZero();
        assertThat(run("help", "lsmod")).isEqualTo(run("lsmod", "--help"));
        Run foo = run("foo");
        assertThat(foo.status()).isEqualTo(1);
        assertThat(foo.err()).startsWith("modstack: ERROR: unknown tool 'foo'");
        assertThat(run("kernel", "boot", "--help").status()).isZero();
        assertThat(run("kernel", "nonsense").err()).startsWith("kernel: ERROR: unknown subcommand 'nonsense'");
    }

    @Test
    void kernelBootRefusesToReplaceAKernelWithoutForce() {
        Run again = run("kernel", "boot", "--kernel=" + kernel);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("kernel: ERROR: " + kernel
                + ": a virtual kernel is already booted here (--force replaces it)\n");
        assertThat(run("lsmod", "--kernel=" + kernel).out()).as("its state survives").contains("stack_core");
        assertThat(run("kernel", "boot", "--force", "--kernel=" + kernel).status()).isZero();
        assertThat(run("lsmod", "--kernel=" + kernel).out()).doesNotContain("stack_core");
    }

    @Test
    void kernelLsShowsSysModuleAndAModulesDirectory() {
        assertThat(run("kernel", "ls", "--kernel=" + kernel, "/sys/module").out()).contains("stack_core\n");
        assertThat(run("kernel", "ls", "--kernel=" + kernel, "/sys/module/stack_core").out()).isEqualTo("""
                coresize
                holders
                initsize
                initstate
                notes
                refcnt
                sections
                srcversion
                taint
                uevent
                version
                """);
    }

    @Test
    void dmesgMinusCClearsTheLogAfterPrintingIt() {
        Run first = run("kernel", "dmesg", "-c", "--kernel=" + kernel);
        assertThat(first.out()).contains("stack_core: loading out-of-tree module taints kernel.");
        assertThat(run("kernel", "dmesg", "--kernel=" + kernel).out()).isEmpty();
    }

    @Test
    void readingAKernelNeedsNoWriteAccess() throws IOException {
        Files.delete(kernel.resolve("lock"));  // as in a copy nobody has written to here
        assertThat(run("lsmod", "--kernel=" + kernel).status()).isZero();
        assertThat(run("kernel", "cat", "--kernel=" + kernel, "/proc/modules").status()).isZero();
        assertThat(kernel.resolve("lock")).as("a reader creates nothing").doesNotExist();
        try (KernelStore a = KernelStore.open(kernel, KernelStore.Access.READ);
             KernelStore b = KernelStore.open(kernel, KernelStore.Access.READ)) {
            assertThat(a.kernel().state().modules()).hasSameSizeAs(b.kernel().state().modules());  // shared
        }
    }

    /** A boot that cannot keep the tree's linkage leaves insmod to read the tree, and to name what it cannot read. */
    @Test
    void aKernelFileThatIsADirectoryIsOneLineNamingIt() throws IOException {
        Path sysModule = kernel.resolve("tree/boot/modstack-sys-module-" + Fixtures.KERNEL_6_1.release());
        Files.deleteIfExists(sysModule);
        Files.createDirectory(sysModule);
        assertThat(run("kernel", "boot", "--force", "--kernel=" + kernel, kernel.resolve("tree").toString()).status())
                .isZero();
        Run insmod = run("insmod", "--kernel=" + kernel, Fixtures.module("stack_core").toString());
        assertThat(insmod.status()).isEqualTo(1);
        assertThat(insmod.err()).isEqualTo("insmod: ERROR: " + sysModule + ": Is a directory\n");
    }

    @Test
    void aTreeCommandOnAMissingTreeNamesTheIndexItLacks() {
        Path tree = tmp.resolve("none");
        String missing = tree + "/lib/modules/1.0/modules.dep.bin: No such file or directory\n";
        assertThat(run("deps", "-b", tree.toString(), "-k", "1.0")).isEqualTo(new Run(1, "", "deps: ERROR: " + missing));
        assertThat(run("explore", "-b", tree.toString(), "-k", "1.0").err()).isEqualTo("explore: ERROR: " + missing);
    }

    @Test
    void aFailingDepmodInsideModstackIsReported() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> DepmodRun.index(tmp.resolve("none"), "1.0")))
                .hasMessageContaining("depmod -b " + tmp.resolve("none") + " 1.0 failed: depmod: ERROR:");
    }

    @Test
    void aReaderThatHasGoneEndsTheToolAsSigpipeWould() {
        OutputStream gone = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(gone, err, "modinfo", Fixtures.module("stack_core").toString())).isEqualTo(141);
        assertThat(err.size()).as("nothing said: kmod dies silently").isZero();
    }
}
