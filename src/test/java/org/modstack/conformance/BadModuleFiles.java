package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Damaged module files made from a good one, each defect on its own, named after it. */
final class BadModuleFiles {
    private BadModuleFiles() {
    }

    /** Writes every damaged variant into {@code dir}; returns file name to path. */
    static Map<String, Path> write(Path dir, Path goodElf64, Path signed) throws IOException {
        byte[] good = Files.readAllBytes(goodElf64);
        byte[] sig = Files.readAllBytes(signed);
        Map<String, Path> out = new LinkedHashMap<>();
        Files.createDirectories(dir.resolve("a-directory.ko"));
        out.put("a-directory.ko", dir.resolve("a-directory.ko"));
        out.put("missing.ko", dir.resolve("missing.ko"));
        put(out, dir, "empty.ko", new byte[0]);
        put(out, dir, "truncated.ko", Arrays.copyOf(good, good.length / 3));
        put(out, dir, "not-elf.ko", "this is not a module\n".getBytes());
        put(out, dir, "not-a-module.ko", Files.readAllBytes(Path.of("/bin/true")));
        put(out, dir, "bad-class.ko", patch(good, 4, (byte) 7));
        put(out, dir, "bad-byte-order.ko", patch(good, 5, (byte) 9));
        put(out, dir, "bad-shentsize.ko", le16(good, 58, 63));
        put(out, dir, "bad-shoff.ko", le64(good, 40, 1L << 40));
        put(out, dir, "bad-shnum.ko", le16(good, 60, 0xfff0));
        put(out, dir, "sig-huge-length.ko", be32(sig, sig.length - 28 - 4, 0x7fffffff));
        put(out, dir, "sig-zero-length.ko", be32(sig, sig.length - 28 - 4, 0));
        put(out, dir, "sig-unknown-id-type.ko", patch(sig, sig.length - 28 - 12 + 2, (byte) 9));
        put(out, dir, "sig-pgp-id-type.ko", patch(sig, sig.length - 28 - 12 + 2, (byte) 0));
        put(out, dir, "sig-corrupt-der.ko", fill(sig, sig.length - 28 - 400, 100, (byte) 0x55));
        put(out, dir, "garbage.ko.xz", concat(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, "garbage".getBytes()));
        put(out, dir, "garbage.ko.zst", concat(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, "garbage!".getBytes()));
        byte[] xz = xz(good);
        put(out, dir, "truncated.ko.xz", Arrays.copyOf(xz, xz.length / 2));
        return out;
    }

    /**
     * {@code count} copies of a signed module, each with one to four random bytes of its PKCS#7
     * blob overwritten (seeded: the same files each run). Most damage breaks the DER, some only
     * changes a value: OpenSSL's decoder, through kmod, tells which.
     */
    static List<Path> damagedSignatures(Path dir, Path signed, int count, long seed) throws IOException {
        byte[] sig = Files.readAllBytes(signed);
        int trailer = sig.length - 28 - 12;
        int blobLength = ByteBuffer.wrap(sig).getInt(trailer + 8);
        int blob = trailer - blobLength;
        Random random = new Random(seed);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] b = sig.clone();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                b[blob + random.nextInt(blobLength)] = (byte) random.nextInt(256);
            }
            out.add(Files.write(dir.resolve("sig-damaged-" + i + ".ko"), b));
        }
        return out;
    }

    /**
     * A signed module with {@code blob} as its PKCS#7 signature in place of its own: the module's
     * contents, the blob, then {@code struct module_signature} and the marker, as sign-file
     * appends them.
     */
    static byte[] withSignature(byte[] signed, byte[] blob) {
        int trailer = signed.length - 28 - 12;
        int contents = trailer - ByteBuffer.wrap(signed).getInt(trailer + 8);
        ByteBuffer out = ByteBuffer.allocate(contents + blob.length + 12 + 28);
        out.put(signed, 0, contents).put(blob);
        out.put(signed, trailer, 8).putInt(blob.length);  // algorithm, hash, id type, lengths, padding; sig_len
        out.put(signed, trailer + 12, 28);
        return out.array();
    }

    /**
     * {@code count} copies of an ELF64 little-endian module, each with one to three random bytes
     * of its ELF header or section header table overwritten (seeded), where a reader's checks of
     * offsets, sizes and indexes are tested.
     */
    static List<Path> damagedHeaders(Path dir, Path good, int count, long seed) throws IOException {
        byte[] elf = Files.readAllBytes(good);
        ByteBuffer header = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        int sectionHeaders = (int) header.getLong(40);
        int tableSize = (header.getShort(60) & 0xffff) * (header.getShort(58) & 0xffff);
        Random random = new Random(seed);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] b = elf.clone();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                int at = random.nextBoolean() ? random.nextInt(64) : sectionHeaders + random.nextInt(tableSize);
                b[at] = (byte) random.nextInt(256);
            }
            out.add(Files.write(dir.resolve("elf-damaged-" + i + ".ko"), b));
        }
        return out;
    }

    /** A module whose section-name table index is out of range: kmod 30 aborts on an assertion. */
    static Path badNameTableIndex(Path dir, Path good) throws IOException {
        return Files.write(dir.resolve("bad-shstrndx.ko"), le16(Files.readAllBytes(good), 62, 0xfff0));
    }

    private static void put(Map<String, Path> out, Path dir, String name, byte[] data) throws IOException {
        out.put(name, Files.write(dir.resolve(name), data));
    }

    private static byte[] patch(byte[] src, int at, byte value) {
        byte[] b = src.clone();
        b[at] = value;
        return b;
    }

    private static byte[] fill(byte[] src, int at, int n, byte value) {
        byte[] b = src.clone();
        Arrays.fill(b, at, at + n, value);
        return b;
    }

    private static byte[] le16(byte[] src, int at, int v) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
        return b;
    }

    private static byte[] le64(byte[] src, int at, long v) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
        return b;
    }

    private static byte[] be32(byte[] src, int at, int v) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(at, v);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(bytes, new LZMA2Options())) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
