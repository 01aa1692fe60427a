package org.modstack.modprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.SignedModules;
import org.modstack.elf.ElfFile;
import org.modstack.elf.Section;
import org.modstack.module.KernelModule;

/** The calls the live kernel gets, and in which form, decided as libkmod decides them. */
class LiveKernelStateTest {
    @TempDir
    Path tmp;

    /** Records each call; fails those it is told to. */
    private static final class Recorder implements ModuleSyscalls {
        final List<String> calls = new ArrayList<>();
        ByteBuffer image;
        Errno finitFails;

        @Override
        public void finitModule(Path file, String params, int flags) throws ErrnoException {
            calls.add("finit_module " + file.getFileName() + " '" + params + "' " + flags);
            if (finitFails != null) {
                throw new ErrnoException(finitFails, "finit_module");
            }
        }

        @Override
        public void initModule(ByteBuffer image, String params) throws ErrnoException {
            calls.add("init_module " + image.remaining() + " '" + params + "'");
            this.image = image;
        }

        @Override
        public void deleteModule(String name, int flags) throws ErrnoException {
            calls.add("delete_module " + name + " " + Integer.toOctalString(flags));
        }
    }

    @Test
    void anUncompressedModuleGoesToFinitModuleWithTheForceFlags() throws Exception {
        Recorder r = new Recorder();
        KernelState.live(r).insert(Fixtures.module("stack_core"), "a=1", true, false);
        KernelState.live(r).insert(Fixtures.module("stack_core"), "", false, true);
        assertThat(r.calls).containsExactly("finit_module stack_core.ko 'a=1' 1", "finit_module stack_core.ko '' 2");
    }

    @Test
    void aCompressedModuleIsDecompressedForInitModule() throws Exception {
        byte[] raw = Files.readAllBytes(Fixtures.module("stack_core"));
        Path xz = Files.write(tmp.resolve("stack_core.ko.xz"), SignedModules.Compressor.XZ.compress(raw));
        Recorder r = new Recorder();
        KernelState.live(r).insert(xz, "", false, false);
        assertThat(r.calls).containsExactly("init_module " + raw.length + " ''");
        byte[] given = new byte[r.image.remaining()];
        r.image.duplicate().get(given);
        assertThat(given).isEqualTo(raw);
    }

    @Test
    void withoutFinitModuleAForcedLoadDropsVersionsAndVermagicFromACopy() throws Exception {
        Recorder r = new Recorder();
        r.finitFails = Errno.ENOSYS;
        Path file = Fixtures.module("stack_user");
        KernelState.live(r).insert(file, "", true, true);
        assertThat(r.calls).containsExactly("finit_module stack_user.ko '' 3",
                "init_module " + Files.size(file) + " ''");
        ElfFile forced = ElfFile.read(r.image.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN));
        assertThat(forced.section("__versions").orElseThrow().flags() & Section.SHF_ALLOC).isZero();
        assertThat(KernelModule.open(file).elf().section("__versions").orElseThrow().flags() & Section.SHF_ALLOC)
                .as("the file itself is untouched").isNotZero();
        String modinfo = java.nio.charset.StandardCharsets.ISO_8859_1.decode(forced.contents(forced.section(".modinfo").orElseThrow())).toString();
        assertThat(modinfo).doesNotContain("vermagic=").contains("license=");
    }

    @Test
    void anotherFinitModuleFailureIsTheAnswer() {
        Recorder r = new Recorder();
        r.finitFails = Errno.EPERM;
        assertThatThrownBy(() -> KernelState.live(r).insert(Fixtures.module("stack_core"), "", false, false))
                .isInstanceOf(ErrnoException.class).extracting(e -> ((ErrnoException) e).errno()).isEqualTo(Errno.EPERM);
        assertThat(r.calls).hasSize(1);
    }

    @Test
    void removalNeverWaitsAndForcesWithOTrunc() throws Exception {
        Recorder r = new Recorder();
        KernelState.live(r).remove("stack_core", false);
        KernelState.live(r).remove("stack_core", true);
        assertThat(r.calls).containsExactly("delete_module stack_core 4000", "delete_module stack_core 5000");
    }
}
