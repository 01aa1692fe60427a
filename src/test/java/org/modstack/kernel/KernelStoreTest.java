package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.module.ModuleFile;

class KernelStoreTest {
    private static final Path MODULES = Path.of("src/test/resources/modules");

    @TempDir
    Path tmp;
    private Path dir;

    @BeforeEach
    void boot() throws Exception {
        Fixtures.KERNEL_6_1.write(tmp.resolve("root"));
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
        byte[] whole = Files.readAllBytes(dir.resolve("kernel.state"));
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        Files.write(dir.resolve("kernel.state"), cut);
        assertThatThrownBy(() -> KernelStore.open(dir, KernelStore.Access.WRITE)).isInstanceOf(ErrnoException.class)
                .hasMessage(dir.resolve("kernel.state") + ": damaged virtual kernel state (truncated)");
        assertThat(Files.readAllBytes(dir.resolve("kernel.state"))).isEqualTo(cut);
    }

    @Test
    void stateOfAnotherFormatVersionSaysBootAgainNotDamaged() throws Exception {
        byte[] whole = Files.readAllBytes(dir.resolve("kernel.state"));
        String text = new String(whole, StandardCharsets.ISO_8859_1).replaceFirst("state 2\n", "state 3\n");
        Files.write(dir.resolve("kernel.state"), text.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> KernelStore.open(dir, KernelStore.Access.READ))
                .hasMessage(dir.resolve("kernel.state") + ": virtual kernel state in format 3, this modstack reads"
                        + " format 2; boot the kernel again: modstack kernel boot --force");
    }

    @Test
    void stateOfAnOlderModstackIsNamedAndReplacedOnlyByABoot() throws Exception {
        Path old = tmp.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve("kernel.json"), "{\"format\" : 1}");
        Files.writeString(old.resolve("state.json"), "{}");
        assertThatThrownBy(() -> KernelStore.open(old, KernelStore.Access.READ))
                .hasMessage(old.resolve("kernel.json") + ": virtual kernel state of an older modstack (JSON);"
                        + " boot the kernel again: modstack kernel boot --force");
        assertThatThrownBy(() -> KernelStore.boot(old, tmp.resolve("root"), null, "", false)).hasMessageContaining("--force");
        KernelStore.boot(old, tmp.resolve("root"), null, "", true).close();
        assertThat(old.resolve("kernel.json")).doesNotExist();
        assertThat(old.resolve("state.json")).doesNotExist();
        KernelStore.open(old, KernelStore.Access.READ).close();
    }

    @Test
    void vmlinuxLinkageIsReadFromTheTreeOnceAtBoot() throws Exception {
        KernelDescription tree = KernelDescription.fromTree(tmp.resolve("root"), null, "");
        assertThat(tree.exports()).isNotEmpty();
        Files.writeString(tmp.resolve("root").resolve("Module.symvers"), "");  // a tree read now would export nothing
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.READ)) {
            KernelDescription kept = s.kernel().description();
            assertThat(kept.exports()).isEqualTo(tree.exports());
            assertThat(kept.vermagic()).isEqualTo(tree.vermagic());
            assertThat(kept.trustedKeyIds()).isEqualTo(tree.trustedKeyIds());
            assertThat(kept.linkage().sysModule()).isEqualTo(tree.linkage().sysModule());
            assertThat(kept.config()).isEqualTo(tree.config());
        }
    }

    @Test
    void keptExportsAreFoundByNameAsTheTreesAre() throws Exception {
        KernelDescription tree = KernelDescription.fromTree(tmp.resolve("root"), null, "");
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.READ)) {
            Map<String, KernelSymbol> kept = s.kernel().description().exports();
            assertThat(kept).hasSameSizeAs(tree.exports());
            for (String name : tree.exports().keySet()) {
                assertThat(kept.get(name)).isEqualTo(tree.exports().get(name));
            }
            assertThat(kept.get("no_such_symbol")).isNull();
            assertThat(kept.containsKey("")).isFalse();
            assertThat(kept.get("~")).isNull();  // past the last name
        }
    }

    @Test
    void aLinkageFileOfAnotherVersionOrCutShortIsReadFromTheTreeInstead() throws Exception {
        Path linkage = dir.resolve("linkage");
        byte[] whole = Files.readAllBytes(linkage);
        KernelDescription tree = KernelDescription.fromTree(tmp.resolve("root"), null, "");
        String older = new String(whole, StandardCharsets.ISO_8859_1).replaceFirst("linkage 3\n", "linkage 2\n");
        for (byte[] damaged : List.of(older.getBytes(StandardCharsets.ISO_8859_1), Arrays.copyOf(whole, whole.length - 3))) {
            Files.write(linkage, damaged);
            try (KernelStore s = KernelStore.open(dir, KernelStore.Access.READ)) {
                assertThat(s.kernel().description().exports()).isEqualTo(tree.exports())
                        .isNotInstanceOf(SortedExports.class);
            }
        }
    }

    @Test
    void theConfigurationIsKeptAtBootAndReadFromTheTreeOnlyWithoutIt() throws Exception {
        insmod("stack_core");
        Path config = tmp.resolve("root/boot/config-" + Fixtures.KERNEL_6_1.release());
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.WRITE)) {
            Files.delete(config);  // found at open, not read: the boot kept what loading needs
            s.kernel().deleteModule("stack_core", VirtualKernel.O_NONBLOCK);
            s.kernel().load(ModuleFile.read(MODULES.resolve("stack_core.ko")).image(), "", 0);
        }
        Files.writeString(config, "");
        Files.delete(dir.resolve("linkage"));  // as after a boot that could keep nothing
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.WRITE)) {
            Files.delete(config);
            s.kernel().deleteModule("stack_core", VirtualKernel.O_NONBLOCK);  // listing and removing never read it
            assertThat(s.kernel().state().modules()).isEmpty();
            assertThatThrownBy(() -> s.kernel().load(ModuleFile.read(MODULES.resolve("stack_core.ko")).image(), "", 0))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining(config.toString());
        }
    }

    @Test
    void everyFieldOfAModuleSurvivesTheStore() throws Exception {
        insmod("stack_core");
        insmod("stack_user");
        insmod("stack_params");
        BootState before;
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.WRITE)) {
            s.kernel().state().clearLog();
            s.kernel().load(ModuleFile.read(MODULES.resolve("stack_noexit.ko")).image(), "", 0);
            before = s.kernel().state();
            s.save();
        }
        try (KernelStore s = KernelStore.open(dir, KernelStore.Access.READ)) {
            assertThat(s.kernel().state().snapshot()).isEqualTo(before.snapshot());
        }
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
        assertThat(dir.resolve("kernel.state.tmp")).doesNotExist();
    }
}
