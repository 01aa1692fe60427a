package org.modstack;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Our sample modules (built by fixtures/build-modules.sh) and other committed test data. */
public final class Fixtures {
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

    /** One of our sample modules by name. */
    public static Path module(String name) {
        return resource("modules/" + name + ".ko");
    }
}
