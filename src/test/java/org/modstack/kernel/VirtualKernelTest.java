package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.module.ModuleFile;

/**
 * The loader's rules on our sample modules and the embedded Debian kernel (no tree, no qemu:
 * the differential scenarios prove the same against the real kernel).
 */
class VirtualKernelTest {
    private static final Path MODULES = Path.of("src/test/resources/modules");

    @TempDir
    Path tmp;
    private VirtualKernel kernel;
    private KernelFiles files;

    @BeforeEach
    void boot() throws Exception {
        Fixtures.KERNEL_6_1.write(tmp);
        kernel = new VirtualKernel(KernelDescription.fromTree(tmp, null, ""), BootState.boot());
        files = new KernelFiles(kernel);
    }

    /** init_module's outcome: empty on success, else its errno. */
    private Optional<Errno> insmod(String name, String args) throws Exception {
        try {
            kernel.load(ModuleFile.read(MODULES.resolve(name + ".ko")).image(), args, 0);
            return Optional.empty();
        } catch (ErrnoException e) {
            return Optional.of(e.errno());
        }
    }

    /** delete_module's outcome: empty on success, else its errno. */
    private Optional<Errno> delete(String name, int flags) {
        try {
            kernel.deleteModule(name, flags);
            return Optional.empty();
        } catch (ErrnoException e) {
            return Optional.of(e.errno());
        }
    }

    private List<String> logSince(int mark) {
        List<String> log = kernel.state().log();
        return log.subList(mark, log.size());
    }

    @Test
    void wrongOrderInsmodFailsWithEveryUnknownSymbol() throws Exception {
        assertThat(insmod("stack_user", "")).contains(Errno.ENOENT);
        assertThat(kernel.state().log()).containsExactly(
                "stack_user: loading out-of-tree module taints kernel.",
                "stack_user: module verification failed: signature and/or required key missing - tainting kernel",
                "stack_user: Unknown symbol stack_exp_int (err -2)",
                "stack_user: Unknown symbol stack_sysinfo (err -2)",
                "stack_user: Unknown symbol stack_get_skey (err -2)");
        assertThat(kernel.state().modules()).isEmpty();
    }

    @Test
    void usersAreHoldersNewestFirst() throws Exception {
        assertThat(insmod("stack_core", "")).isEmpty();
        assertThat(insmod("stack_user", "")).isEmpty();
        assertThat(insmod("stack_user2", "")).isEmpty();
        assertThat(files.read("/proc/modules").orElseThrow().replaceAll("0x[0-9a-f]{16}", "ADDR")).isEqualTo(
                "stack_user2 16384 0 - Live ADDR (OE)\n"
                + "stack_user 16384 0 - Live ADDR (OE)\n"
                + "stack_core 16384 2 stack_user2,stack_user, Live ADDR (OE)\n");
        assertThat(files.read("/sys/module/stack_core/refcnt")).contains("2\n");
    }

    @Test
    void rmmodRefusesWhileHeld() throws Exception {
        insmod("stack_core", "");
        insmod("stack_user", "");
        assertThat(delete("stack_core", VirtualKernel.O_NONBLOCK)).contains(Errno.EAGAIN);
        assertThat(delete("stack_core", VirtualKernel.O_NONBLOCK | VirtualKernel.O_TRUNC)).contains(Errno.EAGAIN);
        assertThat(delete("stack_user", VirtualKernel.O_NONBLOCK)).isEmpty();
        assertThat(files.read("/sys/module/stack_core/refcnt")).contains("0\n");
        assertThat(delete("stack_core", VirtualKernel.O_NONBLOCK)).isEmpty();
        assertThat(delete("stack_core", VirtualKernel.O_NONBLOCK)).contains(Errno.ENOENT);
    }

    @Test
    void permanentModuleGoesOnlyWhenForcedAndTaintsR() throws Exception {
        insmod("stack_noexit", "");
        assertThat(files.procModules()).contains(" 0 [permanent], Live ");
        assertThat(delete("stack_noexit", VirtualKernel.O_NONBLOCK)).contains(Errno.EBUSY);
        assertThat(delete("stack_noexit", VirtualKernel.O_NONBLOCK | VirtualKernel.O_TRUNC)).isEmpty();
        assertThat(kernel.state().taint() & Taint.FORCED_RMMOD.bit()).isNotZero();
    }

    @Test
    void proprietaryModuleDoesNotSeeGplOnlyExports() throws Exception {
        insmod("stack_core", "");
        int mark = kernel.state().log().size();
        assertThat(insmod("stack_prop", "")).contains(Errno.ENOENT);
        assertThat(logSince(mark)).containsExactly("stack_prop: module license 'Proprietary' taints kernel.",
                "Disabling lock debugging due to kernel taint", "stack_prop: Unknown symbol stack_exp_int (err -2)");
        assertThat(files.read("/proc/sys/kernel/tainted")).contains("12289\n");
    }

    @Test
    void namespacedExportNeedsItsImport() throws Exception {
        insmod("stack_core", "");
        int mark = kernel.state().log().size();
        assertThat(insmod("stack_nons", "")).contains(Errno.EINVAL);
        assertThat(logSince(mark)).containsExactly(
                "stack_nons: module uses symbol (stack_get_skey) from namespace STACK_NS, but does not import it.",
                "stack_nons: Unknown symbol stack_get_skey (err -22)");
        assertThat(files.read("/sys/module/stack_core/refcnt")).contains("0\n");
    }

    @Test
    void secondExporterOfASymbolIsRefused() throws Exception {
        insmod("stack_core", "");
        int mark = kernel.state().log().size();
        assertThat(insmod("stack_dup", "")).contains(Errno.ENOEXEC);
        assertThat(logSince(mark)).containsExactly("stack_dup: exports duplicate symbol stack_sysinfo (owned by stack_core)");
    }

    @Test
    void loadingTwiceIsEexistWithoutAMessage() throws Exception {
        insmod("stack_core", "");
        int mark = kernel.state().log().size();
        assertThat(insmod("stack_core", "")).contains(Errno.EEXIST);
        assertThat(logSince(mark)).isEmpty();
    }

    @Test
    void failedInitDropsTheReferencesItTook() throws Exception {
        insmod("stack_core", "");
        kernel.scriptInit("stack_user", -Errno.ENODEV.number());
        assertThat(insmod("stack_user", "")).contains(Errno.ENODEV);
        assertThat(kernel.state().module("stack_core").orElseThrow().holders()).isEmpty();
        assertThat(kernel.state().module("stack_user")).isEmpty();
    }

    @Test
    void parametersAreParsedAndShownAsSysfsShowsThem() throws Exception {
        int mark = kernel.state().log().size();
        assertThat(insmod("stack_params", "mp_debug_level=0x10 mp_noisy=y nosuch=1 foo.bar=2")).isEmpty();
        assertThat(files.read("/sys/module/stack_params/parameters/mp_debug_level")).contains("16\n");
        assertThat(logSince(mark)).endsWith("stack_params: unknown parameter 'nosuch' ignored",
                "stack_params: unknown parameter 'foo' ignored");
        assertThat(files.list("/sys/module/stack_params/parameters").orElseThrow()).doesNotContain("mp_flag");
    }

    @Test
    void invboolNeedsAValue() throws Exception {
        assertThat(insmod("stack_params", "mp_noisy")).contains(Errno.EINVAL);
        assertThat(kernel.state().log()).last().isEqualTo("stack_params: `' invalid for parameter `mp_noisy'");
    }

    @Test
    void badParameterValueFailsTheLoadWithTheSetterErrno() throws Exception {
        int mark = kernel.state().log().size();
        assertThat(insmod("stack_params", "mp_debug_level=abc")).contains(Errno.EINVAL);
        assertThat(logSince(mark)).last().isEqualTo("stack_params: `abc' invalid for parameter `mp_debug_level'");
        assertThat(kernel.state().modules()).isEmpty();
    }

    @Test
    void blacklistedOnTheCommandLine() throws Exception {
        kernel = new VirtualKernel(KernelDescription.fromTree(tmp, null, "module_blacklist=x,stack_core"),
                BootState.boot());
        assertThat(insmod("stack_core", "")).contains(Errno.EPERM);
        assertThat(kernel.state().log()).containsExactly("Module stack_core is blacklisted");
    }

    @Test
    void foreignArchitectureIsInvalidFormat() throws Exception {
        assertThat(insmod("stack_arm", "")).contains(Errno.ENOEXEC);
        assertThat(kernel.state().log()).containsExactly("Invalid architecture in ELF header: 40");
    }
}
