package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.ErrnoException;
import org.modstack.module.ModuleFile;

class KernelStoreTest {
    private static final Path MODULES = Path.of("src/test/resources/modules");

    @TempDir
    Path tmp;
    private Path dir;

    @BeforeEach
    void boot() throws Exception {
        EmbeddedKernel.writeTree(tmp.resolve("root"));
        dir = tmp.resolve("kernel");
        KernelStore.boot(dir, tmp.resolve("root"), null, "", false).close();
    }

    private void insmod(String name) throws Exception {
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.WRITE)) {
            s.kernel().load(ModuleFile.read(MODULES.resolve(name + ".ko")).image(), "", 0);
            s.save();
        }
    }

    @Test
    void separateOpensStackOnOneKernel() throws Exception {
        insmod("stack_core");
        insmod("stack_user");
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.WRITE)) {
            assertThat(s.kernel().state().module("stack_core").orElseThrow().holders()).containsExactly("stack_user");
        }
    }

    @Test
    void damagedStateIsReportedNeverReset() throws Exception {
        insmod("stack_core");
        Files.writeString(dir.resolve("state.json"), "{\"modules\": [");
        assertThatThrownBy(() -> KernelStore.open(dir, KernelStore.Access.WRITE)).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("damaged virtual kernel state");
        assertThat(Files.readString(dir.resolve("state.json"))).isEqualTo("{\"modules\": [");
    }

    @Test
    void missingKernelSaysHowToBootOne() {
        assertThatThrownBy(() -> KernelStore.open(tmp.resolve("none"), KernelStore.Access.READ)).hasMessageContaining("modstack kernel boot");
    }

    @Test
    void concurrentWritersAreSerialized() throws Exception {
        List<String> names = List.of("chain_a", "stack_core", "stack_noexit", "stack_params", "stack_intree");
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (String n : names) {
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    insmod(n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        runs.forEach(CompletableFuture::join);
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.WRITE)) {
            assertThat(s.kernel().state().modules()).extracting(LoadedModule::name)
                    .containsExactlyInAnyOrderElementsOf(names);
        }
        assertThat(dir.resolve("state.json.tmp")).doesNotExist();
    }
}
