package org.modstack.kernel;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.Mutations;
import org.modstack.module.ModuleFile;

/**
 * Damaged modules loaded into the virtual kernel: the loader refuses them with an errno, as
 * init_module would, and never fails any other way (a range check missing in the ELF, section
 * layout, relocation or parameter readers shows here as another exception).
 */
class LoaderPropertyTest {
    private static final List<String> SAMPLES = List.of("stack_core", "stack_params", "stack_user", "stack_nons");
    private static KernelDescription kernel;

    @BeforeContainer
    static void describeKernel() throws Exception {
        Path root = Files.createTempDirectory("loader-property");
        Fixtures.KERNEL_6_1.write(root);
        kernel = KernelDescription.fromTree(root, null, "");
    }

    @Property(tries = 600)
    void loaderOnlyEverRefusesWithAnErrno(@ForAll("mutatedModules") byte[] image) throws Exception {
        VirtualKernel k = new VirtualKernel(kernel, BootState.boot());
        k.load(ModuleFile.read(Fixtures.module("stack_core")).image(), "", 0);
        try {
            k.load(ByteBuffer.wrap(image), "mp_uint=3 mp_str=x mp_arr=1,2", 0);
        } catch (ErrnoException refused) {
            // what init_module returns for a damaged module; anything else fails the property
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedModules() {
        return Mutations.of(SAMPLES);
    }
}
