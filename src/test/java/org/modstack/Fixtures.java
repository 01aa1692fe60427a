package org.modstack;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.modstack.kernel.EmbeddedKernel;

/** Our sample modules (built by fixtures/build-modules.sh) and other committed test data. */
public final class Fixtures {
    /**
     * The carried 6.1 kernel, Debian 12's (the amd64 tree's): the sample modules in {@code modules/}
     * were built for it (their vermagic names 6.1.0-56-amd64), so tests that load them name it,
     * whatever the default kernel is.
     */
    public static final EmbeddedKernel KERNEL_6_1 = EmbeddedKernel.named("6.1").orElseThrow();

    /** The carried 6.12 kernel, Debian 13's and the default: {@code modules/gen/6.12/} were built for it. */
    public static final EmbeddedKernel KERNEL_6_12 = EmbeddedKernel.named("6.12").orElseThrow();

    private Fixtures() {
    }

    /** A committed test resource, e.g. {@code modules/stack_core.ko}. */
    public static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    /** One of our sample modules by name (built for {@link #KERNEL_6_1}). */
    public static Path module(String name) {
        return resource("modules/" + name + ".ko");
    }

    /** One of our sample modules as built for a kernel generation ({@code modules/gen/GEN/}), e.g. 6.12. */
    public static Path module(String generation, String name) {
        return resource("modules/gen/" + generation + "/" + name + ".ko");
    }
}
