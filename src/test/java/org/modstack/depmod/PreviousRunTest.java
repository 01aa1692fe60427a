package org.modstack.depmod;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.index.KmodVersion;
import org.modstack.util.Interner;

/**
 * A depmod run whose modules changed in nothing depmod reads takes the last run's files from
 * disk instead of linking and rendering ({@link PreviousRun}); anything that could change the
 * output makes it render again. {@link DepmodIncrementalTest} holds every such run's output to a
 * full run's; here, which runs reuse and which render.
 */
class PreviousRunTest {
    private static final String RELEASE = "6.1.0-test";
    private static final List<String> SAMPLES = List.of("chain_a", "chain_b", "chain_c", "stack_core", "stack_dup",
            "stack_prop", "stack_user");

    @TempDir
    Path tmp;

    private Path moduleDir;
    private Path extra;
    private Path cacheDir;

    @BeforeEach
    void sampleTree() throws IOException {
        moduleDir = tmp.resolve("root/lib/modules").resolve(RELEASE);
        extra = SampleTree.write(moduleDir, SAMPLES);
        cacheDir = tmp.resolve("cache");
    }

    /** A run and what it logged. */
    private record Run(Depmod.Indexed indexed, List<BufferedLog.Message> messages) {
        Map<String, String> files() {
            Map<String, String> out = new TreeMap<>();
            indexed.files().forEach(f -> out.put(f.name(), new String(f.bytes(), StandardCharsets.ISO_8859_1)));
            return out;
        }
    }

    @Test
    void aTouchedModuleReusesTheLastRunsFiles() throws Exception {
        Run first = depmod();
        assertThat(first.indexed().reused()).as("a first run renders").isFalse();
        touch("stack_core");
        Run second = depmod();
        assertThat(second.indexed().reused()).isTrue();
        assertThat(second.files()).isEqualTo(first.files());
        assertThat(depmod().indexed().reused()).as("nothing touched at all").isTrue();
    }

    @Test
    void aModuleWithOtherContentsIsRenderedAgain() throws Exception {
        Run first = depmod();
        Files.copy(Fixtures.module("stack_dup"), extra.resolve("stack_prop.ko"), StandardCopyOption.REPLACE_EXISTING);
        Run second = depmod();
        assertThat(second.indexed().reused()).isFalse();
        assertThat(second.files()).isNotEqualTo(first.files());
        touch("chain_a");
        assertThat(depmod().indexed().reused()).as("the new state is kept in turn").isTrue();
    }

    @Test
    void anAddedOrRemovedModuleIsRenderedAgain() throws Exception {
        depmod();
        Files.delete(extra.resolve("chain_c.ko"));
        assertThat(depmod().indexed().reused()).isFalse();
        Files.copy(Fixtures.module("chain_c"), extra.resolve("chain_c.ko"));
        assertThat(depmod().indexed().reused()).isFalse();
    }

    @Test
    void anIndexChangedOrRemovedOnDiskIsRenderedAgain() throws Exception {
        Run first = depmod();
        Files.writeString(moduleDir.resolve("modules.dep"), "edited\n", StandardOpenOption.APPEND);
        Run afterEdit = depmod();
        assertThat(afterEdit.indexed().reused()).isFalse();
        assertThat(afterEdit.files()).isEqualTo(first.files());
        Files.delete(moduleDir.resolve("modules.alias.bin"));
        Run afterRemoval = depmod();
        assertThat(afterRemoval.indexed().reused()).isFalse();
        assertThat(afterRemoval.files()).isEqualTo(first.files());
    }

    @Test
    void otherOptionsRenderAgain() throws Exception {
        depmod();
        assertThat(depmod(options(KmodVersion.KMOD30, '\0')).indexed().reused()).isFalse();
        assertThat(depmod(options(KmodVersion.KMOD30, '_')).indexed().reused()).isFalse();
        assertThat(depmod(options(KmodVersion.KMOD30, '_')).indexed().reused()).isTrue();
    }

    @Test
    void aChangedInputOfTheTreeIsRenderedAgain() throws Exception {
        depmod();
        Files.writeString(moduleDir.resolve("modules.builtin"), "kernel/fs/ext4/ext4.ko\n", StandardOpenOption.APPEND);
        assertThat(depmod().indexed().reused()).isFalse();
        List<String> order = Files.readAllLines(moduleDir.resolve("modules.order"));
        Files.write(moduleDir.resolve("modules.order"), order.subList(1, order.size()));
        assertThat(depmod().indexed().reused()).isFalse();
    }

    @Test
    void theLastRunsMessagesAreLoggedAgain() throws Exception {
        // without modules.builtin, the rendering warns that it cannot open it
        Files.delete(moduleDir.resolve("modules.builtin"));
        Run first = depmod();
        assertThat(first.messages()).extracting(BufferedLog.Message::text)
                .anyMatch(t -> t.startsWith("could not open modules.builtin"));
        touch("stack_user");
        Run second = depmod();
        assertThat(second.indexed().reused()).isTrue();
        assertThat(second.messages()).isEqualTo(first.messages());
    }

    @Test
    void aDamagedRecordOfTheLastRunIsIgnored() throws Exception {
        Run first = depmod();
        Path kept = cacheDir.resolve(PreviousRun.FILE_NAME);
        byte[] good = Files.readAllBytes(kept);
        for (int at : new int[] {0, 5, 9, 13, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(kept, bad);
            Run run = depmod();
            assertThat(run.indexed().reused()).as("byte " + at + " flipped").isFalse();
            assertThat(run.files()).isEqualTo(first.files());
        }
        Files.write(kept, new byte[] {'M', 'S'});
        assertThat(depmod().indexed().reused()).isFalse();
        assertThat(depmod().indexed().reused()).as("and a good one is kept again").isTrue();
    }

    @Test
    void aDryRunNeitherReusesNorKeepsARun() throws Exception {
        depmod(options(KmodVersion.KMOD34, '\0', true));
        assertThat(cacheDir.resolve(PreviousRun.FILE_NAME)).doesNotExist();
        depmod();
        assertThat(depmod(options(KmodVersion.KMOD34, '\0', true)).indexed().reused()).isFalse();
    }

    @Test
    void theFilesAreLookedForWhereTheyAreWritten() throws Exception {
        // depmod -o: the indexes go to another directory, and are checked there
        Path out = tmp.resolve("out");
        Depmod.Options elsewhere = new Depmod.Options(moduleDir.toString(), out.toString(), RELEASE,
                DepmodConfig.load(List.of(), RELEASE, m -> { }), List.of(), Optional.empty(), false, false, false,
                '\0', KmodVersion.KMOD34, Optional.of(cacheDir), false);
        IndexSet.write(out, Depmod.index(elsewhere, new BufferedLog()).files());
        touch("chain_b");
        assertThat(Depmod.index(elsewhere, new BufferedLog()).reused()).isTrue();
        assertThat(depmod().indexed().reused()).as("nothing in the module directory yet").isFalse();
        Files.delete(out.resolve("modules.dep"));
        assertThat(Depmod.index(elsewhere, new BufferedLog()).reused()).isFalse();
    }

    /**
     * A run that neither prints nor keeps the -v trace makes none; a run kept for replay keeps
     * it whatever its own verbosity, since a later -v run prints it from there.
     */
    @Test
    void theTraceIsMadeOnlyWhenShownOrKept() throws Exception {
        List<DepmodModule> modules = new ArrayList<>();
        for (String name : List.of("chain_a", "chain_b", "chain_c")) {
            DepmodModule m = new DepmodModule(name, extra.resolve(name + ".ko").toString(), moduleDir.toString());
            m.contents = ModuleReader.read(m, new Interner());
            m.index = modules.size();
            modules.add(m);
        }
        Depmod.link(modules, options(KmodVersion.KMOD34, '\0'), new Depmod.Log() {
            @Override
            public void error(String message) {
            }

            @Override
            public void warning(String message) {
            }

            @Override
            public void show(String message) {
                throw new AssertionError("a trace nobody sees was made: " + message);
            }

            @Override
            public boolean shows() {
                return false;
            }
        });
        assertThat(modules.get(2).deps).as("chain_c still linked").isNotEmpty();
        depmod(options(KmodVersion.KMOD34, '\0'), new BufferedLog(false));  // a quiet run, kept
        touch("chain_b");
        BufferedLog verbose = new BufferedLog();
        assertThat(Depmod.index(options(KmodVersion.KMOD34, '\0'), verbose).reused()).isTrue();
        assertThat(verbose.messages()).as("the quiet run's trace, replayed")
                .anyMatch(m -> m.level() == BufferedLog.Level.SHOW);
    }

    private void touch(String module) throws IOException {
        Path ko = extra.resolve(module + ".ko");
        Files.setLastModifiedTime(ko, FileTime.fromMillis(Files.getLastModifiedTime(ko).toMillis() + 5000));
    }

    private Depmod.Options options(KmodVersion version, char prefix) {
        return options(version, prefix, false);
    }

    private Depmod.Options options(KmodVersion version, char prefix, boolean dryRun) {
        return new Depmod.Options(moduleDir.toString(), moduleDir.toString(), RELEASE,
                DepmodConfig.load(List.of(), RELEASE, m -> { }), List.of(), Optional.empty(), false, false, false,
                prefix, version, Optional.of(cacheDir), dryRun);
    }

    private Run depmod() throws Exception {
        return depmod(options(KmodVersion.KMOD34, '\0'));
    }

    /** Runs depmod as the tool does, writing its files unless it is a dry run. */
    private Run depmod(Depmod.Options options) throws Exception {
        return depmod(options, new BufferedLog());
    }

    private Run depmod(Depmod.Options options, BufferedLog log) throws Exception {
        Depmod.Indexed indexed = Depmod.index(options, log);
        if (!options.dryRun()) {
            IndexSet.write(moduleDir, indexed.files());
        }
        return new Run(indexed, log.messages());
    }
}
