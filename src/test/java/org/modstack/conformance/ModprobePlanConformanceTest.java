package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * modprobe's plans under a configuration (options, install and remove commands, blacklists
 * with and without -b, several softdep stanzas, parameters after the name) and on damaged
 * indexes, against kmod 30's on the Debian tree.
 */
@Tag("conformance")
class ModprobePlanConformanceTest {

    private static final String CONFIG = String.join("\n",
            "options fuse max_user_bgreq=7",
            "options fuse\tmax_user_congthresh=9",
            "options e1000e IntMode=1",
            "options pci:v00008086d00001533sv*sd*bc*sc*i* from_alias=1",
            "alias my-nic e1000e",
            "alias my-* igb",
            "install pcspkr /bin/true # no beeps",
            "install snd-pcsp /sbin/modprobe --ignore-install snd-pcsp $CMDLINE_OPTS",
            "remove dummy /bin/false",
            "blacklist igb",
            "blacklist nouveau",
            "softdep drm_kms_helper pre: i2c-algo-bit post: ttm",
            "softdep drm_kms_helper pre: ignored_second_stanza",
            "softdep snd* post: soundcore",
            "softdep fuse pre: my-nic",
            "weakdep fuse loop",
            "softdep loop pre: cdrom",
            "softdep cdrom pre: loop post: sr_mod",
            "softdep sr_mod post: loop",
            "install isofs /sbin/modprobe udf; /sbin/modprobe --ignore-install isofs",
            "install udf /sbin/modprobe isofs; /sbin/modprobe --ignore-install udf",
            "options bad line without module",
            "") + "\n";

    private static final List<String> NAMES = List.of("fuse", "e1000e", "my-nic", "my-other", "igb",
            "pci:v00008086d00001533sv00000000sd00000000bc02sc00i00", "pcspkr", "snd-pcsp", "dummy",
            "nouveau", "pci:v000010DEd00001234sv00000000sd00000000bc03sc00i00", "drm_kms_helper",
            "snd-hda-codec-realtek", "symbol:drm_dev_alloc", "loop", "cdrom", "sr_mod", "isofs", "udf",
            "no-such-module");

    private List<String> base(Trees.Tree tree, Path conf) {
        return new ArrayList<>(List.of("-C", conf.toString(), "-d", tree.root().toString(), "-S", tree.release()));
    }

    private static void compare(String what, List<String> args) throws Exception {
        Comparison.assertSame(what, Kmod.real("modprobe", args), Kmod.ours("modprobe", args));
    }

    @Test
    void plansUnderAConfigurationMatchKmod(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path conf = Files.writeString(tmp.resolve("modstack.conf"), CONFIG);
        int n = 0;
        for (List<String> mode : List.of(List.of("--show-depends"), List.of("-n", "-v"), List.of("-n", "-v", "-b"),
                List.of("--show-depends", "-i"), List.of("-R"), List.of("-n", "-q"))) {
            for (String name : NAMES) {
                List<String> args = base(tree, conf);
                args.addAll(mode);
                args.add(name);
                compare("modprobe " + mode + " " + name, args);
                n++;
            }
        }
        List<String> withParams = base(tree, conf);
        withParams.addAll(List.of("--show-depends", "fuse", "a=1", "b=two words", "c='quoted value'"));
        compare("parameters after the name", withParams);
        System.out.printf("conformance: modprobe plans under a configuration: %d invocations, 0 mismatches%n", n + 1);
    }

    @Test
    void damagedIndexesAreReadAsKmodReadsThem(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path dir = root.resolve("lib/modules").resolve(tree.release());
        for (String f : TreeCopy.OUTPUTS) {
            Path src = tree.moduleDir().resolve(f);
            if (Files.exists(src)) {
                Files.copy(src, dir.resolve(f));
            }
        }
        // One name per run: on some damaged sets kmod 30 itself loops without end (see below).
        List<String> names = List.of("fuse", "pci:v00008086d00001533sv0sd0bc02sc00i00", "no-such-module");
        Files.writeString(dir.resolve("modules.dep.bin"), "garbage, not an index\n");
        for (String name : names) {
            compare("garbage modules.dep.bin, " + name, List.of("-C", "/nonexistent", "-d", root.toString(), "-S",
                    tree.release(), "--show-depends", name));
        }
        Files.copy(tree.moduleDir().resolve("modules.dep.bin"), dir.resolve("modules.dep.bin"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve("modules.alias.bin"), new byte[] {(byte) 0xB0, 0x07, (byte) 0xF4, 0x57, 0, 3, 0, 1, 0, 0, 0, 12});
        for (String name : names) {
            compare("unknown index version, " + name, List.of("-C", "/nonexistent", "-d", root.toString(), "-S",
                    tree.release(), "--show-depends", name));
        }
        System.out.println("conformance: modprobe on garbage and wrong-version indexes: 0 mismatches");
    }

    /**
     * Removal plans against the kernel this machine runs, where none of the tree's modules is
     * loaded: not loaded (quiet, or an error with --first-time), built-in, unknown, remove
     * commands with their softdeps, -i, -a, -q. (Loaded stacks are pinned in ModprobeRemovalTest.)
     */
    @Test
    void removalPlansMatchKmod(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path conf = Files.writeString(tmp.resolve("rm.conf"), "remove fuse /bin/echo removing $CMDLINE_OPTS\n"
                + "softdep fuse pre: e1000e post: loop\nremove dummy /bin/true\n");
        List<List<String>> cases = List.of(List.of("-v", "fuse"), List.of("-v", "--first-time", "fuse"),
                List.of("e1000e"), List.of("--first-time", "e1000e"), List.of("-v", "crc32c"), List.of("ext4"),
                List.of("no-such-module"), List.of("-a", "-v", "no-such-module", "fuse"), List.of("-q", "no-such-module"),
                List.of("-v", "-C", conf.toString(), "fuse"), List.of("-v", "-i", "-C", conf.toString(), "fuse"),
                List.of("-v", "--first-time", "-C", conf.toString(), "dummy"),
                List.of("-v", "--remove-holders", "e1000e"));
        for (List<String> c : cases) {
            List<String> args = new ArrayList<>(List.of("-d", tree.root().toString(), "-S", tree.release(), "-r", "-n"));
            if (!c.contains("-C")) {
                args.addAll(List.of("-C", "/nonexistent"));
            }
            args.addAll(c);
            compare("modprobe -r -n " + c, args);
        }
        System.out.printf("conformance: modprobe -r -n: %d cases, 0 mismatches%n", cases.size());
    }

    /**
     * kmod 30 reads only /proc/cmdline; with it bind-mounted over (root, a private mount
     * namespace), kmod and modstack --kernel-cmdline must plan the same.
     */
    @Test
    void kernelCommandLineOptionsAndBlacklistMatchKmod(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path cmdline = Files.writeString(tmp.resolve("cmdline"),
                "ro quiet fuse.max_user_bgreq=3 e1000e.IntMode=2 modprobe.blacklist=e1000e,igb\n");
        for (String name : List.of("fuse", "e1000e", "pci:v00008086d00001533sv00000000sd00000000bc02sc00i00")) {
            List<String> args = new ArrayList<>(List.of("-C", "/nonexistent", "-d", tree.root().toString(), "-S",
                    tree.release(), "--show-depends", name));
            List<String> kmod = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                    "mount --bind \"$0\" /proc/cmdline && exec \"$@\"", cmdline.toString()));
            kmod.addAll(Kmod34.kmod30("modprobe"));
            kmod.addAll(args);
            List<String> ours = new ArrayList<>(args);
            ours.add(0, "--kernel-cmdline=" + cmdline);
            Comparison.assertSame("kernel command line, " + name, Kmod.exec(kmod), Kmod.ours("modprobe", ours));
        }
        System.out.println("conformance: modprobe with a kernel command line: 3 names, 0 mismatches");
    }

    /** kmod 30 loops forever on an index whose root lies past its end; modstack must answer. */
    @Test
    void aTruncatedIndexNeverHangs(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        Path dir = root.resolve("lib/modules").resolve(tree.release());
        Files.copy(tree.moduleDir().resolve("modules.dep.bin"), dir.resolve("modules.dep.bin"));
        Files.write(dir.resolve("modules.symbols.bin"),
                new byte[] {(byte) 0xB0, 0x07, (byte) 0xF4, 0x57, 0, 2, 0, 1, (byte) 0x80, 0, 0, 100, 'g', 'a'});
        List<String> args = List.of("-C", "/nonexistent", "-d", root.toString(), "-S", tree.release(),
                "--show-depends", "symbol:anything");
        CompletableFuture<Kmod.Run> ours =
                CompletableFuture.supplyAsync(() -> Kmod.ours("modprobe", args));
        Kmod.Run run = ours.get(30, TimeUnit.SECONDS);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errText()).startsWith("modprobe: FATAL: Module symbol:anything not found in directory ");
    }
}
