package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;

/**
 * modprobe, insmod, rmmod and lsmod acting on a virtual kernel (the embedded Debian kernel with
 * our sample modules in extra/), in-process, as a user runs them one after the other.
 */
class VirtualModprobeTest {
    private static final String RELEASE = Fixtures.KERNEL_6_1.release();  // the sample modules' kernel
    private static final Path MODULES = Path.of("src/test/resources/modules");

    @TempDir
    Path tmp;
    private String kernel;

    private record Run(int status, String out, String err) {
    }

    private Run run(String tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of(tool));
        argv.addAll(List.of(args));
        argv.add(tool.equals("kernel") ? 2 : 1, kernel);  // kernel subcommands take it after their name
        int status = Main.run(tmp.resolve("root/lib/modules/" + RELEASE + "/extra"), out, err,
                argv.toArray(String[]::new));
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    @BeforeEach
    void boot() throws Exception {
        Path root = tmp.resolve("root");
        Fixtures.KERNEL_6_1.write(root);
        Path extra = Files.createDirectories(root.resolve("lib/modules/" + RELEASE + "/extra"));
        for (String n : List.of("stack_core", "stack_user", "stack_alias", "chain_a", "chain_b", "chain_c")) {
            Files.copy(MODULES.resolve(n + ".ko"), extra.resolve(n + ".ko"));
        }
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b", root.toString(),
                RELEASE);
        kernel = "--kernel=" + tmp.resolve("kernel");
        assertThat(run("kernel", "boot", root.toString()).status()).isZero();
    }

    @Test
    void modprobeLoadsDependenciesFirstAndLsmodShowsWhoHoldsWhom() {
        assertThat(run("modprobe", "chain_c").status()).isZero();
        assertThat(run("lsmod").out()).isEqualTo("""
                Module                  Size  Used by
                chain_c                16384  0
                chain_b                16384  1 chain_c
                chain_a                16384  1 chain_b
                """);
    }

    @Test
    void rmmodRefusesWhileHeldAndModprobeRemovesTheStack() {
        run("modprobe", "stack_user");
        Run refused = run("rmmod", "stack_core");
        assertThat(refused.status()).isOne();
        assertThat(refused.err()).isEqualTo("rmmod: ERROR: Module stack_core is in use by: stack_user\n");
        assertThat(run("modprobe", "-r", "-v", "stack_user").out()).isEqualTo("rmmod stack_user\nrmmod stack_core\n");
        assertThat(run("lsmod").out()).isEqualTo("Module                  Size  Used by\n");
    }

    @Test
    void aFailingSoftDependencyDoesNotFailTheLoad() {
        run("kernel", "init", "chain_c", "-19");
        Run r = run("modprobe", "-v", "stack_alias");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("chain_a.ko", "stack_alias.ko", "chain_c.ko");
        assertThat(run("kernel", "cat", "/proc/modules").out()).contains("stack_alias ").doesNotContain("chain_c ");
    }

    @Test
    void aFailingDependencyFailsTheLoadInKmodWords() {
        run("kernel", "init", "chain_a", "-19");
        Run r = run("modprobe", "chain_c");
        assertThat(r.status()).isOne();
        assertThat(r.err()).isEqualTo("modprobe: ERROR: could not insert 'chain_c': No such device\n");
        assertThat(run("lsmod").out()).isEqualTo("Module                  Size  Used by\n");
    }

    @Test
    void insmodOfTheWrongOrderNamesTheProblemAsKmodDoes() {
        Run r = run("insmod", "stack_user.ko");
        assertThat(r.status()).isOne();
        assertThat(r.err()).isEqualTo("insmod: ERROR: could not insert module stack_user.ko: Unknown symbol in module\n");
        assertThat(run("kernel", "dmesg").out()).endsWith("stack_user: Unknown symbol stack_get_skey (err -2)\n");
    }

    @Test
    void modprobeOfALoadedModuleIsQuietUnlessFirstTime() {
        run("modprobe", "chain_a");
        assertThat(run("modprobe", "chain_a").status()).isZero();
        Run first = run("modprobe", "--first-time", "chain_a");
        assertThat(first.status()).isOne();
        assertThat(first.err()).isEqualTo("modprobe: ERROR: could not insert 'chain_a': Module already in kernel\n");
    }

    @Test
    void aDamagedStateIsReportedInOneLineAndLeftAsItIs() throws Exception {
        Files.writeString(tmp.resolve("kernel/kernel.state"), "{\"modules\": [");
        Run r = run("lsmod");
        assertThat(r.status()).isOne();
        assertThat(r.err()).isEqualTo("lsmod: ERROR: " + tmp.resolve("kernel/kernel.state")
                + ": damaged virtual kernel state (not a modstack virtual kernel state)\n");
        assertThat(Files.readString(tmp.resolve("kernel/kernel.state"))).isEqualTo("{\"modules\": [");
    }
}
