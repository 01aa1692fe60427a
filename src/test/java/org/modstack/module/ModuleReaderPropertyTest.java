package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.cli.Main;

/** Mutated modules: the reader fails only with an errno, and modinfo never leaks a stack trace. */
class ModuleReaderPropertyTest {
    private static final List<String> SAMPLES = List.of("stack_core", "stack_params", "stack_alias", "chain_b");

    @Property(tries = 400)
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
            assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedModules() {
        Arbitrary<byte[]> originals = Arbitraries.of(SAMPLES).map(ModuleReaderPropertyTest::read);
        return originals.flatMap(img -> Arbitraries.oneOf(
                flipped(img), truncated(img), headerScrambled(img)));
    }

    private static Arbitrary<byte[]> flipped(byte[] img) {
        return Arbitraries.integers().between(0, img.length - 1).list().ofMinSize(1).ofMaxSize(16)
                .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                    byte[] b = img.clone();
                    for (int i = 0; i < positions.size(); i++) {
                        b[positions.get(i)] = values.get(i);
                    }
                    return b;
                }));
    }

    private static Arbitrary<byte[]> truncated(byte[] img) {
        return Arbitraries.integers().between(0, img.length).map(n -> Arrays.copyOf(img, n));
    }

    /** Overwrites a field of the ELF header or the first section headers, where offsets live. */
    private static Arbitrary<byte[]> headerScrambled(byte[] img) {
        return Arbitraries.integers().between(16, 63).flatMap(at -> Arbitraries.bytes().list().ofSize(4).map(v -> {
            byte[] b = img.clone();
            for (int i = 0; i < 4 && at + i < b.length; i++) {
                b[at + i] = v.get(i);
            }
            return b;
        }));
    }

    private static byte[] read(String name) {
        try {
            return Files.readAllBytes(Fixtures.module(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
