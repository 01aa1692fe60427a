package org.modstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Damaged copies of our sample modules, for properties that a reader or loader must survive. */
public final class Mutations {
    private Mutations() {
    }

    /** The named sample modules, each with bytes flipped, cut short, or its headers scrambled. */
    public static Arbitrary<byte[]> of(List<String> samples) {
        Arbitrary<byte[]> originals = Arbitraries.of(samples).map(Mutations::read);
        return originals.flatMap(Mutations::damaged);
    }

    /**
     * The named samples as a kernel build ships them, damaged: raw or signed, then raw or
     * compressed (xz, zstd, gzip), with the damage done before or after compressing. A damaged
     * signature trailer is among them, since the trailer sits at a signed file's end, where
     * truncation and flips land.
     */
    public static Arbitrary<byte[]> ofShipped(List<String> samples) {
        Arbitrary<byte[]> built = Arbitraries.of(samples).map(Mutations::read)
                .flatMap(img -> Arbitraries.of(img, SignedModules.signed(img)));
        return built.flatMap(img -> Arbitraries.oneOf(
                damaged(img),
                Arbitraries.of(SignedModules.Compressor.values()).flatMap(c -> damaged(c.compress(img))),
                Arbitraries.of(SignedModules.Compressor.values()).flatMap(c -> damaged(img).map(c::compress))));
    }

    private static Arbitrary<byte[]> damaged(byte[] img) {
        return Arbitraries.oneOf(flipped(img), truncated(img), headerScrambled(img), signatureDamaged(img));
    }

    /** Overwrites bytes among the last 512, where a signed module keeps its PKCS#7 blob and trailer. */
    private static Arbitrary<byte[]> signatureDamaged(byte[] img) {
        return overwritten(img, Math.max(0, img.length - 512), 4);
    }

    private static Arbitrary<byte[]> flipped(byte[] img) {
        return overwritten(img, 0, 16);
    }

    /** Up to {@code most} bytes of {@code img} at or after {@code from} overwritten with random ones. */
    private static Arbitrary<byte[]> overwritten(byte[] img, int from, int most) {
        return Arbitraries.integers().between(from, img.length - 1).list().ofMinSize(1).ofMaxSize(most)
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
