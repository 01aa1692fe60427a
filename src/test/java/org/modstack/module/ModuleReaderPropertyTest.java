package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.modstack.ErrnoException;
import org.modstack.Mutations;
import org.modstack.cli.Main;

/**
 * Damaged modules, raw, signed or compressed as a kernel build ships them: the reader fails
 * only with an errno, and modinfo answers in kmod's words, never with an internal error, a
 * Java type name or a stack trace.
 */
class ModuleReaderPropertyTest {
    private static final List<String> SAMPLES = List.of("stack_core", "stack_params", "stack_alias", "chain_b");

    @Property(tries = 500)
    void readerOnlyEverFailsCleanly(@ForAll("mutatedModules") byte[] image) throws IOException {
        Path file = Files.createTempFile("mutant", ".ko");
        try {
            Files.write(file, image);
            try {
                KernelModule m = KernelModule.open(file);
                m.modinfo();
                m.exports();
                m.imports();
                m.versions();
                m.parameters();
                m.signature();
            } catch (ErrnoException expected) {
                assertThat(expected.errno()).isNotNull();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(out, err, "modinfo", file.toString());
            assertThat(status).isBetween(0, 1);
            assertCleanErrors(err.toString());
        } finally {
            Files.delete(file);
        }
    }

    /**
     * The entries picked by key (as depmod reads a module) are the whole list's entries of
     * those keys, damaged or not: an entry that is only its key, a key that merely starts
     * another key, a value holding {@code =}.
     */
    @Property(tries = 500)
    void entriesPickedByKeyAreTheWholeListFiltered(@ForAll("mutatedModules") byte[] image) throws IOException {
        Path file = Files.createTempFile("mutant", ".ko");
        List<String> keys = List.of("alias", "softdep", "weakdep", "license");
        try {
            Files.write(file, image);
            KernelModule m;
            try {
                m = KernelModule.open(file);
            } catch (ErrnoException unreadable) {
                return;
            }
            List<ModinfoEntry> all;
            try {
                all = m.modinfo();
            } catch (ErrnoException none) {
                all = List.of();
            }
            assertThat(m.modinfo(keys)).isEqualTo(all.stream().filter(e -> keys.contains(e.key())).toList());
        } finally {
            Files.delete(file);
        }
    }

    /** kmod's words only: no internal error, no Java type name, no stack frame. */
    static void assertCleanErrors(String stderr) {
        assertThat(stderr).doesNotContain("internal error").doesNotContain("\tat ")
                .doesNotContainPattern("\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*")
                .doesNotContainPattern("[A-Z]\\w*(Exception|Error)\\b");
    }

    @Provide
    Arbitrary<byte[]> mutatedModules() {
        return Mutations.ofShipped(SAMPLES);
    }
}
