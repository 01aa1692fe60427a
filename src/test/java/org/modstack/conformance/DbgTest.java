package org.modstack.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbgTest {
    @Test
    void dbg(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path src = tree.moduleDir();
        Path root = dir.resolve("root");
        new ProcessBuilder("cp", "-al", tree.root().toString(), root.toString()).inheritIO().start().waitFor();
        Path md = root.resolve("lib/modules/" + tree.release());
        byte[] dep = Files.readAllBytes(src.resolve("modules.dep.bin"));
        Random r = new Random(3);
        int mism = 0, n = 0;
        for (int i = 0; i < 150; i++) {
            byte[] b = dep.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            Files.delete(md.resolve("modules.dep.bin"));
            Files.write(md.resolve("modules.dep.bin"), b);
            List<String> args = new ArrayList<>(List.of("-C", "/nonexistent", "-d", root.toString(), "-S", tree.release(), "-D", "-a"));
            args.addAll(List.of("vxlan", "fuse", "snd-hda-codec-realtek", "ext4", "nvme", "e1000e", "xfs", "btrfs", "i915", "kvm-intel"));
            Kmod.Run k = Kmod.real("modprobe", args);
            if (k.status() > 1) { continue; }
            n++;
            Kmod.Run o = Kmod.ours("modprobe", args);
            if (!java.util.Arrays.equals(k.out(), o.out()) || !java.util.Arrays.equals(k.err(), o.err()) || k.status() != o.status()) {
                mism++;
                if (mism < 6) System.out.println("KERR " + new String(k.err()) + "\nOERR " + new String(o.err()) + "\nKOUT " + new String(k.out()).length() + " OOUT " + new String(o.out()).length()); if (false) System.out.println("DIFF " + i + " kmod=" + k.status() + " [" + new String(k.err()).strip() + "] " + new String(k.out()).length() + " ours=" + o.status() + " [" + new String(o.err()).strip() + "] " + new String(o.out()).length());
            }
        }
        System.out.println("DIFFS " + mism + " of " + n);
    }
}
