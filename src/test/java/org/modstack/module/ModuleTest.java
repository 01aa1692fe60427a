package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.SignedModules;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class ModuleTest {

    @Test
    void coreExportsPlainGplAndNamespacedSymbolsWithCrcs() throws Exception {
        KernelModule core = KernelModule.open(Fixtures.module("stack_core"));
        assertThat(core.name()).isEqualTo("stack_core");
        assertThat(core.exports()).containsExactlyInAnyOrder(
                new Export("stack_exp_int", true, Optional.empty(), OptionalLong.of(0x5959f74bL)),
                new Export("stack_sysinfo", false, Optional.empty(), OptionalLong.of(0x4a8201b9L)),
                new Export("stack_get_skey", false, Optional.of("STACK_NS"), OptionalLong.of(0x8fa54edaL)));
        assertThat(core.license()).contains("Dual MIT/GPL");
    }

    @Test
    void userImportsWhatCoreExportsWithTheCrcsItWasBuiltAgainst() throws Exception {
        KernelModule user = KernelModule.open(Fixtures.module("stack_user"));
        assertThat(user.imports()).extracting(Import::name)
                .contains("stack_exp_int", "stack_sysinfo", "stack_get_skey");
        assertThat(user.imports()).filteredOn(i -> i.name().equals("stack_get_skey"))
                .extracting(Import::crc).containsExactly(OptionalLong.of(0x8fa54edaL));
        assertThat(user.importedNamespaces()).containsExactly("STACK_NS");
        assertThat(user.depends()).containsExactly("stack_core");
        assertThat(user.versions()).extracting(SymbolVersion::name).contains("module_layout", "stack_get_skey");
    }

    @Test
    void moduleThatForgetsTheNamespaceImportHasNone() throws Exception {
        KernelModule nons = KernelModule.open(Fixtures.module("stack_nons"));
        assertThat(nons.importedNamespaces()).isEmpty();
        assertThat(nons.imports()).extracting(Import::name).contains("stack_get_skey");
    }

    @Test
    void proprietaryUserCarriesTheRewrittenLicence() throws Exception {
        assertThat(KernelModule.open(Fixtures.module("stack_prop")).license()).contains("Proprietary");
    }

    @Test
    void parametersMergeDescriptionAndTypeInFirstAppearanceOrder() throws Exception {
        List<Parameter> params = KernelModule.open(Fixtures.module("stack_params")).parameters();
        assertThat(params).contains(new Parameter("mp_debug_level",
                Optional.of("Debug level [0-2]; 0 => no debug messages, 2 => high verbosity"), Optional.of("int")));
        assertThat(params).filteredOn(p -> p.name().equals("mp_ushort"))
                .extracting(Parameter::description).containsExactly(Optional.empty());
    }

    @Test
    void aliasesAndSoftdepsComeFromModinfo() throws Exception {
        KernelModule m = KernelModule.open(Fixtures.module("stack_alias"));
        assertThat(m.aliases()).contains("stack-alias-demo", "devname:stackdemo", "char-major-10-242");
        assertThat(m.softdeps()).containsExactly("pre: chain_a post: chain_c");
    }

    @Test
    void entriesPickedByKeyAreWholeKeysAsTheWholeListSplitsThem(@TempDir Path dir) throws Exception {
        byte[] image = Files.readAllBytes(Fixtures.module("stack_alias"));
        // "licensexGPL": a key that only starts with license; "alias": a key without a value
        replace(image, "license=GPL", "licensexGPL");
        replace(image, "alias=stack-alias-demo", "alias\0stack-alias-demo");
        KernelModule m = KernelModule.open(Files.write(dir.resolve("stack_alias.ko"), image));
        List<String> keys = List.of("license", "alias", "softdep");
        List<ModinfoEntry> picked = m.modinfo(keys);
        assertThat(picked).isEqualTo(m.modinfo().stream().filter(e -> keys.contains(e.key())).toList());
        assertThat(picked).contains(new ModinfoEntry("alias", "")).noneMatch(e -> e.key().equals("license"));
    }

    private static void replace(byte[] image, String from, String to) {
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] t = to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i + f.length <= image.length; i++) {
            if (Arrays.equals(image, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, image, i, t.length);
                return;
            }
        }
        throw new AssertionError(from + " not in the image");
    }

    @Test
    void unsignedModuleHasNoSignature() throws Exception {
        assertThat(KernelModule.open(Fixtures.module("stack_core")).signature()).isEmpty();
    }

    @Test
    void xzCompressedModuleReadsLikeThePlainOne(@TempDir Path dir) throws Exception {
        byte[] plain = Files.readAllBytes(Fixtures.module("chain_b"));
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options())) {
            out.write(plain);
        }
        Path file = Files.write(dir.resolve("chain-b.ko.xz"), xz.toByteArray());
        KernelModule m = KernelModule.open(file);
        assertThat(m.compression()).isEqualTo(Compression.XZ);
        assertThat(m.name()).isEqualTo("chain_b");
        assertThat(m.modinfo()).isEqualTo(KernelModule.open(Fixtures.module("chain_b")).modinfo());
    }

    @Test
    void xzModuleOfSeveralBlocksDecodesToItsWholeImage(@TempDir Path dir) throws Exception {
        byte[] plain = Files.readAllBytes(Fixtures.module("stack_core"));
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options())) {
            for (int at = 0; at < plain.length; at += 4096) {  // the index records one size a block
                out.write(plain, at, Math.min(4096, plain.length - at));
                out.endBlock();
            }
        }
        KernelModule m = KernelModule.open(Files.write(dir.resolve("stack_core.ko.xz"), xz.toByteArray()));
        byte[] image = new byte[m.image().remaining()];
        m.image().get(image);
        assertThat(image).isEqualTo(plain);
    }

    /**
     * A scratch read of a zstd module of one sized frame decodes into the thread's scratch
     * buffer, not an array of its own per module; one of larger size than the thread's own
     * buffer too, and the next read then decodes into the thread's own again.
     */
    @Test
    void aScratchReadOfAZstdModuleDecodesIntoTheScratchBuffer(@TempDir Path dir) throws Exception {
        byte[] plain = Files.readAllBytes(Fixtures.module("chain_b"));
        byte[] large = Arrays.copyOf(plain, plain.length + (2 << 20));
        for (byte[] image : List.of(plain, large, plain)) {
            Path zst = Files.write(dir.resolve("chain_b.ko.zst"), Zstd.compress(image));
            ModuleFile read = ModuleFile.readScratch(zst);
            assertThat(read.compression()).isEqualTo(Compression.ZSTD);
            assertThat(read.image().isDirect()).as("in the scratch buffer").isTrue();
            assertThat(read.image()).isEqualTo(ByteBuffer.wrap(image));
            assertThat(ModuleFile.read(zst).image()).isEqualTo(ByteBuffer.wrap(image));
        }
    }

    @Test
    void aScratchReadIsTheImageReadReadsPlainOrCompressedWhateverTheName(@TempDir Path dir) throws Exception {
        byte[] plain = Files.readAllBytes(Fixtures.module("chain_b"));
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options())) {
            out.write(plain);
        }
        Path xzNamedKo = Files.write(dir.resolve("chain_b.ko"), xz.toByteArray());  // told by magic, as libkmod does
        byte[] padded = Arrays.copyOf(plain, plain.length + (2 << 20));  // past a thread's own buffer: mapped
        new Random(7).nextBytes(padded);  // and its .xz too: read whole, decoded into the scratch buffer
        System.arraycopy(plain, 0, padded, 0, plain.length);
        ByteArrayOutputStream largeXz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(largeXz, new LZMA2Options())) {
            out.write(padded);
        }
        Path large = Files.write(dir.resolve("large.ko"), padded);
        assertThat(ModuleFile.readScratch(large).image()).isEqualTo(ByteBuffer.wrap(padded));
        Path largeCompressed = Files.write(dir.resolve("large.ko.xz"), largeXz.toByteArray());
        assertThat(Files.size(largeCompressed)).isGreaterThan(1 << 20);
        assertThat(ModuleFile.readScratch(largeCompressed).image()).isEqualTo(ByteBuffer.wrap(padded));
        for (Path p : List.of(Fixtures.module("chain_b"), xzNamedKo)) {
            Compression read = ModuleFile.read(p).compression();
            ModuleFile scratch = ModuleFile.readScratch(p);
            assertThat(scratch.compression()).isEqualTo(read);
            byte[] image = new byte[scratch.image().remaining()];
            scratch.image().get(image);
            assertThat(image).isEqualTo(plain);
        }
        assertThat(ModuleFile.ofScratch(xzNamedKo, xz.toByteArray()).image()).isEqualTo(ByteBuffer.wrap(plain));
    }

    @Test
    void zstdOfOneFrameRecordingItsSizeDecodesWholeAndOtherStreamsAsTheStreamingDecoderReadsThem() throws Exception {
        byte[] image = Files.readAllBytes(Fixtures.module("stack_params"));
        byte[] sized = Zstd.compress(image);  // the zstd tool records the size too
        assertThat(Zstd.getFrameContentSize(sized)).isEqualTo(image.length);
        assertThat(Compression.ZSTD.decompress(sized)).isEqualTo(ByteBuffer.wrap(image));
        byte[] twice = Arrays.copyOf(sized, 2 * sized.length);
        System.arraycopy(sized, 0, twice, sized.length, sized.length);
        byte[] image2 = Arrays.copyOf(image, 2 * image.length);
        System.arraycopy(image, 0, image2, image.length, image.length);
        assertThat(Compression.ZSTD.decompress(twice)).as("frames read through").isEqualTo(ByteBuffer.wrap(image2));
        byte[] cut = Arrays.copyOf(sized, sized.length - 100);
        byte[] streamed;
        try (InputStream in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(cut)).setContinuous(true)) {
            streamed = in.readAllBytes();
        }
        assertThat(Compression.ZSTD.decompress(cut)).as("cut short: ends quietly").isEqualTo(ByteBuffer.wrap(streamed));
    }

    @Test
    void aScratchReadOfAShortOrMissingFileFailsAsTheMappedReadDoes(@TempDir Path dir) throws IOException {
        Path tiny = Files.write(dir.resolve("tiny.ko"), new byte[] {0x7f, 'E'});
        assertThatThrownBy(() -> ModuleFile.readScratch(tiny)).isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> ModuleFile.readScratch(dir.resolve("absent.ko"))).isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOENT));
    }

    @Test
    void fileShorterThanAnyMagicIsInvalid(@TempDir Path dir) throws IOException {
        Path tiny = Files.write(dir.resolve("tiny.ko"), new byte[] {0x7f, 'E'});
        assertThatThrownBy(() -> KernelModule.open(tiny)).isInstanceOf(ErrnoException.class)
                .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void nonElfFileIsExecFormatError(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("text.ko"), "this is not a module at all\n");
        assertThatThrownBy(() -> KernelModule.open(text)).isInstanceOf(ErrnoException.class)
                .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(Errno.ENOEXEC);
    }

    @Test
    void missingFileIsNoSuchFile(@TempDir Path dir) {
        assertThatThrownBy(() -> KernelModule.open(dir.resolve("absent.ko")))
                .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(Errno.ENOENT);
    }

    @Test
    void nameIsCutAtFirstDotWithDashesAsUnderscores() {
        assertThat(ModuleName.fromPath("/lib/modules/x/kernel/snd-hda-codec.ko.xz")).isEqualTo("snd_hda_codec");
    }

    /** The signed fixture the property tests damage is read as signed, through each compression. */
    @Test
    void signedSampleShowsItsSignerThroughEveryCompression(@TempDir Path dir) throws Exception {
        byte[] signed = SignedModules.signed(Files.readAllBytes(Fixtures.module("stack_core")));
        for (SignedModules.Compressor c : SignedModules.Compressor.values()) {
            Path f = Files.write(dir.resolve("stack_core." + c), c.compress(signed));
            ModuleSignature sig = KernelModule.open(f).signature().orElseThrow();
            assertThat(sig.signer()).isEqualTo("Build time autogenerated kernel key");
            assertThat(sig.hashAlgorithm()).isEqualTo("sha256");
        }
    }

    /** The signed fixture bin/modstack trains its archive on: stack_core as sign-file signs it, with the test key. */
    @Test
    void committedSignedFixtureIsStackCoreSignedByTheTestKey() throws Exception {
        Path signed = Path.of("src/test/resources/signed/stack_core.ko");
        ModuleSignature sig = KernelModule.open(signed).signature().orElseThrow();
        assertThat(sig.signer()).isEqualTo("modstack test signing key (not secret: signs test fixtures only)");
        assertThat(sig.hashAlgorithm()).isEqualTo("sha256");
        byte[] unsigned = Files.readAllBytes(Fixtures.module("stack_core"));
        assertThat(Arrays.copyOf(Files.readAllBytes(signed), unsigned.length)).isEqualTo(unsigned);
    }

    /** liblzma decodes the common case; a stream it does not take whole goes to the Java decoder, with the same result. */
    @Test
    void xzThroughLiblzmaEqualsTheJavaDecoderAndLeavesConcatenatedStreamsToIt() throws Exception {
        byte[] image = Files.readAllBytes(Fixtures.module("stack_params"));
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(one, new LZMA2Options())) {
            xz.write(image);
        }
        assertThat(Liblzma.decode(one.toByteArray(), false).orElseThrow().array()).isEqualTo(image);
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(one.toByteArray());
        two.write(one.toByteArray());
        assertThat(Liblzma.decode(two.toByteArray(), false)).isEmpty();
        byte[] both = Compression.XZ.decompress(two.toByteArray()).array();
        assertThat(both).hasSize(2 * image.length);
    }
}
