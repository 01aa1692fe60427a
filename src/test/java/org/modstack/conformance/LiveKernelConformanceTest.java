package org.modstack.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.SignedModules;

/**
 * insmod and rmmod on the running kernel of whatever machine runs the tests, side by side with
 * kmod's: the same system calls, so the same answers, whether the kernel refuses for want of
 * privilege, lacks module support, or (as root on a real kernel) refuses a file that is not
 * ELF. Only inputs no kernel accepts are used: nothing is ever loaded into the host.
 */
@Tag("conformance")
class LiveKernelConformanceTest {

    @Test
    void insmodAndRmmodAnswerAsKmodsOnThisMachine(@TempDir Path tmp) throws Exception {
        Trees.requireKmod();
        Path notElf = Fixtures.module("stack_notelf");
        Path xz = Files.write(tmp.resolve("stack_notelf.ko.xz"),
                SignedModules.Compressor.XZ.compress(Files.readAllBytes(notElf)));
        for (List<String> c : List.of(List.of("insmod", notElf.toString()), List.of("insmod", xz.toString()),
                List.of("insmod", "-f", notElf.toString()), List.of("rmmod", "modstack_never_loaded"),
                List.of("rmmod", "-f", "modstack_never_loaded"))) {
            List<String> args = c.subList(1, c.size());
            Comparison.assertSame(String.join(" ", c), Kmod.real(c.get(0), args), Kmod.ours(c.get(0), args));
        }
        Path tree = tmp.resolve("tree");
        Path extra = Files.createDirectories(tree.resolve("lib/modules/9.9-test/extra"));
        Files.copy(notElf, extra.resolve("stack_notelf.ko"));
        Kmod.real("depmod", List.of("-b", tree.toString(), "9.9-test"));
        for (String options : List.of("", "-r", "-f", "--first-time")) {
            List<String> args = new java.util.ArrayList<>(List.of("-d", tree.toString(), "-S", "9.9-test", "stack_notelf"));
            if (!options.isEmpty()) {
                args.add(0, options);
            }
            Comparison.assertSame("modprobe " + args, Kmod.real("modprobe", args), Kmod.ours("modprobe", args));
        }
        System.out.println("conformance: insmod/rmmod/modprobe on this machine's kernel: 9 commands, 0 mismatches");
    }
}
