package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.kernel.BootState;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.KernelDescription;
import org.modstack.kernel.KernelFiles;
import org.modstack.kernel.VirtualKernel;
import org.modstack.module.ModuleFile;

/**
 * The carried 6.1 kernel is the Debian kernel of the amd64 tree the scenarios boot, as far as loading
 * sees it (CheckDebianTreeTest checks every carried kernel against its tree); the default is 6.12.
 */
@Tag("conformance")
class EmbeddedKernelTest {
    @Test
    void defaultKernelIsDebiansCurrentStable() {
        assertThat(EmbeddedKernel.DEFAULT.version()).isEqualTo("6.12");
        assertThat(EmbeddedKernel.DEFAULT.answersTo("trixie")).isTrue();
    }

    @Test
    void embeddedKernelDescribesTheDebianKernel(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        assertThat(Fixtures.KERNEL_6_1.release())
                .as("the embedded kernel (src/main/resources/org/modstack/kernel/embedded-kernel/6.1/release) is not the"
                        + " amd64 tree's kernel; scripts/repin regenerates it from the tree")
                .isEqualTo(tree.release());
        Fixtures.KERNEL_6_1.write(tmp);
        KernelDescription embedded = KernelDescription.fromTree(tmp, null, "");
        KernelDescription debian = KernelDescription.fromTree(tree.root(), null, "");
        assertThat(embedded.exports()).isEqualTo(debian.exports());
        assertThat(embedded.vermagic()).isEqualTo(debian.vermagic());
        assertThat(embedded.config()).isEqualTo(debian.config());
        assertThat(embedded.trustedKeyIds()).isEqualTo(debian.trustedKeyIds());
    }

    @Test
    void debianSignedModuleLoadsUntaintedAtItsRealSize(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Fixtures.KERNEL_6_1.write(tmp);
        VirtualKernel k = new VirtualKernel(KernelDescription.fromTree(tmp, null, ""), BootState.boot());
        k.load(ModuleFile.read(tree.moduleDir().resolve("kernel/fs/fat/fat.ko")).image(), "", 0);  // throws if refused
        // the size the real kernel showed (scripts/qemu/scenarios/force-size.oracle.txt: 90112 on 6.1.0-56)
        assertThat(new KernelFiles(k).procModules()).matches("fat " + realFatSize() + " 0 - Live 0x[0-9a-f]{16}\n");
        assertThat(k.state().taint()).isZero();
        assertThat(k.state().log()).isEmpty();
    }

    @Test
    void signedModuleWhoseBytesChangedIsRejectedWithEkeyrejected(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Fixtures.KERNEL_6_1.write(tmp);
        VirtualKernel k = new VirtualKernel(KernelDescription.fromTree(tmp, null, ""), BootState.boot());
        java.nio.ByteBuffer image = ModuleFile.read(tree.moduleDir().resolve("kernel/fs/fat/fat.ko")).image();
        java.nio.ByteBuffer tampered = java.nio.ByteBuffer.allocate(image.remaining()).put(image.duplicate()).flip();
        int at = 0x100;  // inside the ELF body, well before the signature
        tampered.put(at, (byte) (tampered.get(at) ^ 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> k.load(tampered, "", 0))
                .isInstanceOfSatisfying(org.modstack.ErrnoException.class,
                        e -> assertThat(e.errno()).isEqualTo(org.modstack.Errno.EKEYREJECTED));
        assertThat(k.state().log()).isEmpty();
        k.load(image, "", 0);  // the bytes it signed load
    }

    /** fat's size in the real kernel's first /proc/modules of the force-size scenario (a normal load). */
    private static String realFatSize() throws java.io.IOException {
        String oracle = Files.readString(Scenarios.oracle(Scenarios.DIR.resolve("force-size.scenario")),
                StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?m)^fat (\\d+) 0 - Live ").matcher(oracle);
        assertThat(m.find()).as("a normal load of fat in force-size.oracle.txt").isTrue();
        return m.group(1);
    }
}
