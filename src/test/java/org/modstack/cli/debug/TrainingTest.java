package org.modstack.cli.debug;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The launcher's class-data training, on the files bin/modstack gives it. */
class TrainingTest {
    @Test
    void trainingLoadsTheDefaultKernelsModulesSignedOneIncluded() {
        assertThatCode(() -> Training.main(new String[] {"src/test/resources/modules/gen/6.12",
                "src/test/resources/signed/gen/6.12/stack_core.ko"})).doesNotThrowAnyException();
    }

    @Test
    void trainingOnModulesTheDefaultKernelRefusesFails() {
        assertThatThrownBy(() -> Training.main(new String[] {"src/test/resources/modules"}))
                .isInstanceOf(IllegalStateException.class).hasMessageEndingWith("the default kernel, 6.12?");
    }
}
