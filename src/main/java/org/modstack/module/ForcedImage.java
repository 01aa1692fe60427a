package org.modstack.module;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.modstack.elf.ElfFile;
import org.modstack.elf.Section;

/**
 * A module image changed as kmod changes it for a forced load through {@code init_module}, when
 * the kernel cannot be told to ignore the checks ({@code finit_module}'s flags): {@code __versions}
 * no longer loaded, and the {@code vermagic=} string of {@code .modinfo} blanked.
 */
public final class ForcedImage {
    private ForcedImage() {
    }

    /** A changed copy of {@code module}'s image; the module itself is left as it is. */
    public static ByteBuffer of(KernelModule module, boolean dropVersions, boolean dropVermagic) {
        ByteBuffer source = module.image();
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate()).flip();
        ElfFile elf = module.elf();
        if (dropVersions) {
            elf.section("__versions").ifPresent(s -> elf.clearAlloc(copy, s));
        }
        if (dropVermagic) {
            elf.section(".modinfo").flatMap(s -> vermagic(copy, s)).ifPresent(at -> blank(copy, at));
        }
        return copy.asReadOnlyBuffer();
    }

    /** The first {@code vermagic=} string in {@code .modinfo}, as kmod_elf_strip_vermagic finds it. */
    private static Optional<Integer> vermagic(ByteBuffer image, Section modinfo) {
        int start = (int) modinfo.offset();
        int end = (int) (modinfo.offset() + modinfo.size());
        byte[] key = "vermagic=".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = start; i < end; i++) {
            if (image.get(i) == 0) {
                continue;
            }
            if (matches(image, i, end, key)) {
                return Optional.of(i);
            }
            while (i < end && image.get(i) != 0) {
                i++;
            }
        }
        return Optional.empty();
    }

    private static boolean matches(ByteBuffer image, int at, int end, byte[] key) {
        if (at + key.length >= end) {
            return false;
        }
        for (int k = 0; k < key.length; k++) {
            if (image.get(at + k) != key[k]) {
                return false;
            }
        }
        return true;
    }

    private static void blank(ByteBuffer image, int at) {
        for (int i = at; i < image.limit() && image.get(i) != 0; i++) {
            image.put(i, (byte) 0);
        }
    }
}
