package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.kernel.BootState;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.KernelDescription;
import org.modstack.kernel.KernelFiles;
import org.modstack.kernel.VirtualKernel;
import org.modstack.module.ModuleFile;

/** The kernel modstack carries is the Debian kernel the scenarios boot, as far as loading sees it. */
@Tag("conformance")
class EmbeddedKernelTest {

    @Test
    void embeddedKernelDescribesTheDebianKernel(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        assertThat(EmbeddedKernel.RELEASE).isEqualTo(tree.release());
        EmbeddedKernel.writeTree(tmp);
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
        EmbeddedKernel.writeTree(tmp);
        VirtualKernel k = new VirtualKernel(KernelDescription.fromTree(tmp, null, ""), BootState.boot());
        assertThat(k.load(ModuleFile.read(tree.moduleDir().resolve("kernel/fs/fat/fat.ko")).image(), "", 0)).isEmpty();
        // the size the real kernel shows (scripts/qemu/scenarios/force-size.oracle.txt)
        assertThat(new KernelFiles(k).procModules()).matches("fat 90112 0 - Live 0x[0-9a-f]{16}\n");
        assertThat(k.state().taint()).isZero();
        assertThat(k.state().log()).isEmpty();
    }
}
