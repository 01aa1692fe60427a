package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.index.IndexWriter;

/**
 * modules.dep lines naming files that are gone, or disagreeing with each other, read as libkmod
 * reads them (MissingDependencyConformanceTest holds the same against kmod on Debian's tree).
 */
class MissingDependencyTest {
    private static final String LOGGED = "../libkmod/libkmod-module.c:191 kmod_module_parse_depline() ctx=0x";

    @TempDir
    Path root;

    @Test
    void aModuleWhoseDependencyIsGoneLoadsAloneAndEachReadingLogsIt() throws Exception {
        Path dir = SampleTree.write(root);
        Files.delete(dir.resolve("extra/stack_core.ko"));
        SampleTree.Run run = SampleTree.run("modprobe", "-d", root.toString(), "-S", SampleTree.RELEASE, "-D", "stack_user");
        assertThat(run.out()).isEqualTo("insmod " + dir.resolve("extra/stack_user.ko") + " \n");
        // read at the lookup, and again when the plan asks for the dependencies
        assertThat(run.err().lines()).hasSize(2).allSatisfy(l -> assertThat(l)
                .startsWith("modprobe: ERROR: " + LOGGED)
                .endsWith(" path=" + dir.resolve("extra/stack_core.ko") + " error=No such file or directory"));
        SampleTree.Run info = SampleTree.run("modinfo", "-b", root.toString(), "-k", SampleTree.RELEASE, "-F", "filename",
                "stack_user");
        assertThat(info.out()).isEqualTo(dir.resolve("extra/stack_user.ko") + "\n");
        assertThat(info.err()).startsWith("libkmod: ERROR ../libkmod/libkmod-module.c:191 kmod_module_parse_depline:"
                + " ctx=0x").hasLineCount(1);
    }

    /** libkmod frees a name's modules before the next name: each line's own paths hold. */
    @Test
    void eachNameOfModprobeAllReadsItsOwnLine() throws Exception {
        Path dir = Files.createDirectories(root.resolve("lib/modules/" + SampleTree.RELEASE));
        for (String at : new String[] {"extra", "other"}) {
            Files.createDirectories(dir.resolve(at));
            Files.copy(SampleTree.MODULES.resolve("stack_core.ko"), dir.resolve(at + "/stack_core.ko"));
        }
        Files.copy(SampleTree.MODULES.resolve("stack_user.ko"), dir.resolve("extra/stack_user.ko"));
        IndexWriter dep = new IndexWriter();
        dep.add("stack_core", "extra/stack_core.ko:", 0);
        dep.add("stack_user", "extra/stack_user.ko: other/stack_core.ko", 1);
        Files.write(dir.resolve("modules.dep.bin"), dep.toBytes(IndexWriter.Layout.ofKmod(2)));
        SampleTree.Run run = SampleTree.run("modprobe", "-d", root.toString(), "-S", SampleTree.RELEASE, "-D", "-a",
                "stack_core", "stack_user");
        assertThat(run.out()).isEqualTo("insmod " + dir.resolve("extra/stack_core.ko") + " \n"
                + "insmod " + dir.resolve("other/stack_core.ko") + " \n"
                + "insmod " + dir.resolve("extra/stack_user.ko") + " \n");
    }

    /** --show-depends plans a removal whatever the kernel holds: loaded or not, built in or not. */
    @Test
    void removalPlansIgnoreTheKernelsState() throws Exception {
        Path dir = SampleTree.write(root);
        SampleTree.Run run = SampleTree.run("modprobe", "-d", root.toString(), "-S", SampleTree.RELEASE, "-D", "-r",
                "stack_user");
        assertThat(run.out()).isEqualTo("rmmod stack_user\n");
        assertThat(run.status()).isZero();
        assertThat(dir).isDirectory();
    }
}
