package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;
import org.modstack.elf.ElfFile;
import org.modstack.elf.Section;

/**
 * modinfo on modules whose {@code .modinfo} section holds random entries: keys kmod knows and
 * others, no {@code =} or several, empty values, parameters without a type or a description,
 * bytes that are not UTF-8, runs of NULs, a last entry cut by the section's end. Every mode
 * of modinfo, as kmod 30 and as kmod 34 (which pads no key longer than 15 bytes), one kmod
 * call a mode for all the files. Seeded.
 */
@Tag("conformance")
class ModinfoRandomSectionsTest {
    private static final int FILES = 200;
    private static final List<String> KEYS = List.of("description", "author", "license", "parm", "parmtype",
            "depends", "alias", "name", "vermagic", "srcversion", "firmware", "softdep", "import_ns", "intree",
            "retpoline", "version", "filename", "signer", "sig_id", "", "x y", "parm.x", "Parm");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void randomSectionsShowAsKmods(int version) throws Exception {
        byte[] good = Files.readAllBytes(Fixtures.module("stack_params"));
        Section modinfo = ElfFile.read(ByteBuffer.wrap(good)).section(".modinfo").orElseThrow();
        Random random = new Random(23);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            byte[] copy = good.clone();
            byte[] section = randomSection(random, (int) modinfo.size());
            System.arraycopy(section, 0, copy, (int) modinfo.offset(), section.length);
            files.add(Files.write(tmp.resolve("m" + i + (i % 2 == 0 ? ".ko" : "-x.ko")), copy).toString());
        }
        List<List<String>> modes = new ArrayList<>(List.of(List.of(), List.of("-0"), List.of("-p"), List.of("-a"),
                List.of("-d"), List.of("-l"), List.of("-n"), List.of("-p", "-0"), List.of("-F", "")));
        for (String key : KEYS) {
            modes.add(List.of("-F", key));
        }
        for (List<String> mode : modes) {
            List<String> args = new ArrayList<>(mode);
            args.addAll(files);
            Comparison.assertSame("modinfo " + mode + " on " + FILES + " random sections (kmod " + version + ")",
                    Kmod34.real(version, "modinfo", args), Kmod34.ours(version, "modinfo", args));
        }
        System.out.printf("conformance: modinfo in %d modes on %d random .modinfo sections, kmod %d: 0 mismatches%n",
                modes.size(), FILES, version);
    }

    /** {@code size} bytes of entries, the last one cut where the section ends or NULs after it. */
    private static byte[] randomSection(Random random, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < size) {
            out.writeBytes(KEYS.get(random.nextInt(KEYS.size())).getBytes(StandardCharsets.ISO_8859_1));
            int r = random.nextInt(10);
            out.writeBytes((r == 0 ? "" : r == 1 ? "==" : "=").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(value(random));
            int nuls = random.nextInt(8) == 0 ? 0 : 1 + (random.nextInt(6) == 0 ? random.nextInt(4) : 0);
            for (int n = 0; n < nuls; n++) {
                out.write(0);
            }
        }
        byte[] bytes = out.toByteArray();
        byte[] section = new byte[size];
        System.arraycopy(bytes, 0, section, 0, random.nextInt(4) == 0 ? size : Math.min(size, bytes.length));
        if (random.nextInt(3) == 0) {  // NULs after the entries, as a linker pads
            int end = Math.max(0, size - 1 - random.nextInt(16));
            Arrays.fill(section, end, size, (byte) 0);
        }
        return section;
    }

    /** A value: parameter-like ({@code name:text}) or free, with spaces, tabs, colons and high bytes. */
    private static byte[] value(Random random) {
        String chars = "abc_:: =,\t\n19" + (char) 0xc3 + (char) 0xa9 + (char) 0xff;
        StringBuilder sb = new StringBuilder();
        if (random.nextBoolean()) {
            sb.append("mp_").append((char) ('a' + random.nextInt(3))).append(random.nextBoolean() ? ":" : "");
        }
        for (int n = random.nextInt(20); n > 0; n--) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
