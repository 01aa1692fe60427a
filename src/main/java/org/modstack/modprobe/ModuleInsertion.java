package org.modstack.modprobe;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.Compression;
import org.modstack.module.ForcedImage;
import org.modstack.module.KernelModule;
import org.modstack.module.ModuleFile;

/**
 * kmod_module_insert_module, the user-space half of loading a module, whichever kernel takes the
 * calls: an uncompressed file goes to {@code finit_module}, which can be told to ignore modversions
 * and vermagic; a compressed one (or a kernel without finit_module) is decompressed, changed for a
 * forced load (which breaks an appended signature), and given to {@code init_module}.
 */
public final class ModuleInsertion {
    private ModuleInsertion() {
    }

    public static void insert(ModuleSyscalls syscalls, Path file, String options, boolean forceModversion,
                              boolean forceVermagic) throws ErrnoException {
        ModuleFile module = ModuleFile.read(file);  // as kmod_file_open: decompressed, not parsed
        if (module.compression() == Compression.NONE) {
            int flags = (forceModversion ? ModuleSyscalls.MODULE_INIT_IGNORE_MODVERSIONS : 0)
                    | (forceVermagic ? ModuleSyscalls.MODULE_INIT_IGNORE_VERMAGIC : 0);
            try {
                syscalls.finitModule(file, options, flags);
                return;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOSYS) {
                    throw e;
                }
            }
        }
        ByteBuffer image = forceModversion || forceVermagic
                ? ForcedImage.of(KernelModule.fromImage(file, module.image()), forceModversion, forceVermagic)
                : module.image();
        syscalls.initModule(image, options);
    }
}
