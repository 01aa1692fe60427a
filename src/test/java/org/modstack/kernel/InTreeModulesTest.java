package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;

/** The carried in-tree module summary: its format, its dependency order, its damage. */
class InTreeModulesTest {
    private static final String SUMMARY = InTreeModules.HEADER + "\n"
            + "m\tusb_common\t16384\tGPL\t-\t-\n"
            + "e\tusb_get_maximum_speed\t1a2b3c4d\tg\t\n"
            + "m\tusbcore\t356352\tGPL\t-\tusb_common\n"
            + "e\tusb_register_device_driver\tdeadbeef\tg\t\n"
            + "e\tusb_ns_thing\t-\t-\tUSB_NS\n"
            + "m\tusbserial\t65536\tGPL\t-\tusbcore,usb_common\n"
            + "m\tr8188eu\t1000\tGPL\ts\t-\n";

    private static InTreeModules read(String text) throws ErrnoException {
        return InTreeModules.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void summaryKnowsEachExportWithItsCrcLicenceAndNamespace() throws Exception {
        InTreeModules m = read(SUMMARY);
        assertThat(m.size()).isEqualTo(4);
        assertThat(m.exporter("usb_register_device_driver")).get().extracting(InTreeModules.InTreeModule::name)
                .isEqualTo("usbcore");
        assertThat(m.module("usbcore").get().exports()).containsExactly(
                new KernelSymbol("usb_register_device_driver", true, "", OptionalLong.of(0xdeadbeefL)),
                new KernelSymbol("usb_ns_thing", false, "USB_NS", OptionalLong.empty()));
        assertThat(m.module("r8188eu").get().staging()).isTrue();
        assertThat(m.exporter("nothing")).isEmpty();
    }

    @Test
    void dependenciesComeBeforeTheModuleThatNeedsThem() throws Exception {
        assertThat(read(SUMMARY).withDependencies("usbserial")).extracting(InTreeModules.InTreeModule::name)
                .containsExactly("usb_common", "usbcore", "usbserial");
    }

    @Test
    void damagedSummaryIsOneErrorNotACrash() {
        assertThatThrownBy(() -> read("not a summary\n")).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("in-tree module summary");
        assertThatThrownBy(() -> read(InTreeModules.HEADER + "\nm\tx\tnot-a-number\tGPL\t-\t-\n"))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("damaged");
    }

    @Test
    void carriedSummaryDescribesEveryInTreeModuleOfTheCarriedKernel() throws Exception {
        InTreeModules carried = Fixtures.KERNEL_6_1.inTree();
        assertThat(carried.size()).isEqualTo(4023);
        assertThat(carried.withDependencies("usbserial")).extracting(InTreeModules.InTreeModule::name)
                .containsExactly("usb_common", "usbcore", "usbserial");
        assertThat(carried.exporter("usb_register_device_driver").get().name()).isEqualTo("usbcore");
    }
}
