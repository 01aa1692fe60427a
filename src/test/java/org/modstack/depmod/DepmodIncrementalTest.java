package org.modstack.depmod;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.SignedModules;
import org.modstack.util.FileTrees;
import org.modstack.util.Interner;
import org.modstack.cli.Main;

/**
 * depmod's cache of module contents ({@link DepmodCache#FILE_NAME}, out of the tree) is only
 * a way to read fewer files: whatever happened to the tree or to the cache since the last run,
 * an incremental run must print and write exactly what a full {@code --no-cache} run of the same
 * tree state does, and leave a loadable cache behind.
 *
 * <p>Every comparison runs the full run in a separate copy of the tree, so that the full run
 * can neither see nor disturb the cache under test. Absolute paths in messages are the only
 * thing allowed to differ between the two copies, and are normalised.
 */
class DepmodIncrementalTest {
    private static final String RELEASE = "6.1.0-test";
    /** Our sample modules without cycle_x and cycle_y, which form a dependency cycle. */
    private static final List<String> SAMPLES = List.of("chain_a", "chain_b", "chain_c", "stack_alias", "stack_core",
            "stack_dup", "stack_noexit", "stack_nons", "stack_params", "stack_prop", "stack_user");
    /** The tree's input files at the top of the module directory; everything else there is output. */
    private static final List<String> INPUTS = List.of("modules.order", "modules.builtin", "modules.builtin.modinfo");

    @TempDir
    Path tmp;

    private Path root;
    private Path moduleDir;
    private Path extra;
    private Path cache;
    private int copies;

    /** What one depmod invocation printed and returned. */
    private record Run(int status, String out, String err) {
    }

    /** A run and every file it left at the top of the module directory, the cache excepted. */
    private record Outcome(Run run, Map<String, String> files) {
    }

    @BeforeEach
    void sampleTree() throws IOException {
        root = tmp.resolve("root");
        moduleDir = root.resolve("lib/modules").resolve(RELEASE);
        extra = SampleTree.write(moduleDir, SAMPLES);
        cache = DepmodCache.defaultDirectory(moduleDir).resolve(DepmodCache.FILE_NAME);
        Files.createDirectories(cache.getParent());  // tests plant caches before any run
    }

    // ---------------------------------------------------------------- the cache itself

    @Test
    void firstRunWritesACacheAndAWarmRunMatchesAFullRun() throws Exception {
        assertThat(cache).doesNotExist();
        assertIncrementalEqualsFull("first run, no cache yet");
        assertCacheValid();
        assertIncrementalEqualsFull("warm run, nothing changed");
    }

    @Test
    void theCacheStaysOutOfTheTreeAndOfAnOutputDirectory() throws Exception {
        Path out = tmp.resolve("out");
        Run run = depmod("-b", root.toString(), "-o", out.toString(), RELEASE);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(cache).as("kept under $XDG_CACHE_HOME, keyed by the module directory").isRegularFile();
        try (Stream<Path> files = Stream.concat(Files.walk(root), Files.walk(out))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .doesNotContain(DepmodCache.FILE_NAME, PreviousRun.FILE_NAME);
        }
    }

    @Test
    void cacheDirKeepsTheCacheWhereAsked() throws Exception {
        Run run = depmod("--cache-dir=" + moduleDir, "-b", root.toString(), RELEASE);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(moduleDir.resolve(DepmodCache.FILE_NAME)).isRegularFile();
        assertThat(cache).doesNotExist();
    }

    @Test
    void aWarmRunWithNothingChangedLeavesTheCacheAlone() throws Exception {
        // Nothing to learn, nothing to write: the cache is not rewritten (same bytes, same inode).
        depmodOk();
        byte[] before = Files.readAllBytes(cache);
        Object inode = Files.getAttribute(cache, "unix:ino");
        FileTime mtime = Files.getLastModifiedTime(cache);
        depmodOk();
        assertThat(Files.readAllBytes(cache)).isEqualTo(before);
        assertThat(Files.getAttribute(cache, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(cache)).isEqualTo(mtime);
    }

    @Test
    void aFullRunWithNoCacheNeitherReadsNorWritesTheCache() throws Exception {
        Run run = depmod("--no-cache", "-b", root.toString(), RELEASE);
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(cache).doesNotExist();
        // and an existing cache, even a damaged one, is left exactly as it is
        Files.write(cache, "not a cache".getBytes(StandardCharsets.ISO_8859_1));
        depmod("--no-cache", "-b", root.toString(), RELEASE);
        assertThat(Files.readString(cache)).isEqualTo("not a cache");
    }

    @Test
    void dryRunNeverWritesTheCache() throws Exception {
        // -n prints the indexes instead of writing them: it must leave no trace in the tree.
        Run dry = depmod("-n", "-b", root.toString(), RELEASE);
        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(cache).doesNotExist();
        assertThat(outputs()).isEmpty();

        // With a cache in place and a module changed, -n still prints the new state but keeps
        // the old cache byte for byte.
        depmodOk();
        byte[] before = Files.readAllBytes(cache);
        Files.delete(extra.resolve("stack_prop.ko"));
        Run dryAfter = depmod("-n", "-b", root.toString(), RELEASE);
        assertThat(Files.readAllBytes(cache)).isEqualTo(before);
        assertThat(normalized(dryAfter)).isEqualTo(normalized(fullRun(List.of("-n")).run()));
    }

    @Test
    void theCacheChangesNoOutputInAnyMode() throws Exception {
        // A warm cache must not show in stdout (-v's trace, -n's text), stderr (-w, -vv) or any
        // file, for either kmod layout.
        depmodOk();
        for (List<String> mode : List.of(List.<String>of(), List.of("-v"), List.of("-vv"), List.of("-w"),
                List.of("-n"), List.of("-n", "-v"), List.of("--kmod-version=30"), List.of("--kmod-version=30", "-v"),
                List.of("-P", "_"))) {
            assertIncrementalEqualsFull("warm run " + mode, mode);
        }
        assertCacheValid();
    }

    // ---------------------------------------------------------------- changes to the tree

    @Test
    void anAddedModuleIsRead() throws Exception {
        Files.delete(extra.resolve("stack_prop.ko"));
        assertIncrementalEqualsFull("without stack_prop");
        Files.copy(Fixtures.module("stack_prop"), extra.resolve("stack_prop.ko"));
        assertIncrementalEqualsFull("stack_prop added");
        // a new module that others stack on: stack_core again, under updates/ (which wins)
        Files.copy(Fixtures.module("stack_core"), Files.createDirectories(moduleDir.resolve("updates"))
                .resolve("stack_core.ko"));
        assertIncrementalEqualsFull("second stack_core in updates/");
        assertCacheValid();
    }

    @Test
    void aChangedSizeIsDetectedEvenWithTheSameInodeAndMtime() throws Exception {
        // stack_user.ko gets stack_nons.ko's bytes written in place (same inode), and its old
        // mtime back: only the size tells.
        Outcome before = assertIncrementalEqualsFull("before");
        Path user = extra.resolve("stack_user.ko");
        assertThat(Files.size(user)).isNotEqualTo(Files.size(Fixtures.module("stack_nons")));
        rewriteInPlaceKeepingMtime(user, Files.readAllBytes(Fixtures.module("stack_nons")));
        Outcome after = assertIncrementalEqualsFull("stack_user.ko holds stack_nons");
        assertThat(after.files()).as("stack_nons's bytes change the output").isNotEqualTo(before.files());
        assertCacheValid();
    }

    @Test
    void aChangedMtimeIsDetectedEvenWithTheSameInodeAndSize() throws Exception {
        // stack_prop.ko rewritten in place with a same-size variant keeps size and inode; only
        // the mtime tells.
        Outcome before = assertIncrementalEqualsFull("before");
        Path prop = extra.resolve("stack_prop.ko");
        byte[] variant = propVariant();
        assertThat(variant).hasSize((int) Files.size(prop)).isNotEqualTo(Files.readAllBytes(prop));
        FileTime old = Files.getLastModifiedTime(prop);
        Files.write(prop, variant, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        // one second later, explicitly: the file system's clock may not have ticked yet
        Files.setLastModifiedTime(prop, FileTime.fromMillis(old.toMillis() + 1000));
        Outcome after = assertIncrementalEqualsFull("stack_prop.ko rewritten, new mtime");
        assertThat(after.files()).as("the variant changes the output").isNotEqualTo(before.files());
        assertCacheValid();
    }

    @Test
    void aChangedInodeIsDetectedEvenWithTheSameSizeAndMtime() throws Exception {
        // A new file renamed over the old one (as package managers install), same size, old
        // mtime copied onto it: only the inode tells.
        Outcome before = assertIncrementalEqualsFull("before");
        Path prop = extra.resolve("stack_prop.ko");
        FileTime old = Files.getLastModifiedTime(prop);
        Object inode = Files.getAttribute(prop, "unix:ino");
        Path staged = extra.resolve(".stack_prop.ko.new");
        Files.write(staged, propVariant());
        Files.setLastModifiedTime(staged, old);
        Files.move(staged, prop, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.getAttribute(prop, "unix:ino")).isNotEqualTo(inode);
        assertThat(Files.getLastModifiedTime(prop)).isEqualTo(old);
        Outcome after = assertIncrementalEqualsFull("stack_prop.ko replaced by a new file");
        assertThat(after.files()).as("the variant changes the output").isNotEqualTo(before.files());
        assertCacheValid();
    }

    @Test
    void aTouchedModuleIsRereadAndItsNewStampCached() throws Exception {
        // Same bytes, new mtime: the output is unchanged, but the cache must learn the new
        // stamp (or every later run would read the file again).
        depmodOk();
        byte[] before = Files.readAllBytes(cache);
        Path core = extra.resolve("stack_core.ko");
        Files.setLastModifiedTime(core, FileTime.fromMillis(Files.getLastModifiedTime(core).toMillis() + 5000));
        assertIncrementalEqualsFull("stack_core.ko touched");
        byte[] after = Files.readAllBytes(cache);
        assertThat(after).isNotEqualTo(before);
        // and the next run finds everything in the cache: it is not rewritten again
        depmodOk();
        assertThat(Files.readAllBytes(cache)).isEqualTo(after);
    }

    @Test
    void anInPlaceRewriteKeepingSizeMtimeAndInodeIsStillSeen() throws Exception {
        // The change time is part of the key: a rewrite that restores the modification time
        // (cp -p, touch -r) changes it, so the new contents are read.
        depmodOk();
        Path prop = extra.resolve("stack_prop.ko");
        rewriteInPlaceKeepingMtime(prop, propVariant());
        assertIncrementalEqualsFull("stack_prop.ko rewritten in place, mtime kept");
    }

    // ---------------------------------------------------------------- compressed modules

    @Test
    void aTouchedCompressedModuleIsTakenFromTheCacheByItsBytes() throws Exception {
        // A compressed module is read whole anyway: when its bytes are the cached ones, it is
        // not decompressed and parsed again (liblzma's load alone was most of such a run).
        Path prop = compress("stack_prop");
        depmodOk();
        Files.setLastModifiedTime(prop, FileTime.fromMillis(Files.getLastModifiedTime(prop).toMillis() + 5000));
        DepmodModule m = new DepmodModule("stack_prop", prop.toString(), moduleDir.toString());
        ModuleReader.Result read = ModuleReader.readAll(List.of(m), DepmodCache.load(cache.getParent()), true,
                new Interner(), QUIET);
        assertThat(m.cached).as("stack_prop's entry, found by its bytes").isNotNull();
        assertThat(read.contentsChanged()).isFalse();
        assertThat(read.stamps().get(prop.toString()).digest()).as("the bytes' digest").isNotZero();
        assertIncrementalEqualsFull("stack_prop.ko.xz touched");
        assertCacheValid();
    }

    @Test
    void aCompressedModuleWithOtherBytesOfTheSameLengthIsReadAgain() throws Exception {
        Path prop = compress("stack_prop");
        depmodOk();
        byte[] bytes = Files.readAllBytes(prop);
        bytes[bytes.length / 2] ^= 0x5a;  // the stream no longer decodes
        rewriteInPlaceKeepingMtime(prop, bytes);
        DepmodModule m = new DepmodModule("stack_prop", prop.toString(), moduleDir.toString());
        ModuleReader.readAll(List.of(m), DepmodCache.load(cache.getParent()), true, new Interner(), QUIET);
        assertThat(m.cached).as("no entry for other bytes").isNull();
        assertThat(m.contents.error()).isNotNull();
        assertIncrementalEqualsFull("stack_prop.ko.xz corrupted in place, same length and mtime");
    }

    @Test
    void aCompressedModuleWithOtherContentsIsReadAgain() throws Exception {
        Path prop = compress("stack_prop");
        depmodOk();
        Files.write(prop, SignedModules.Compressor.XZ.compress(propVariant()));
        assertIncrementalEqualsFull("stack_prop.ko.xz replaced by a variant");
        assertCacheValid();
    }

    /** Replaces {@code extra/<name>.ko} by its {@code .ko.xz}, as a distribution ships it. */
    private Path compress(String name) throws IOException {
        Path raw = extra.resolve(name + ".ko");
        Path xz = extra.resolve(name + ".ko.xz");
        Files.write(xz, SignedModules.Compressor.XZ.compress(Files.readAllBytes(raw)));
        Files.delete(raw);
        return xz;
    }

    private static final Depmod.Log QUIET = new Depmod.Log() {
        @Override
        public void error(String message) {
        }

        @Override
        public void warning(String message) {
        }
    };

    @Test
    void everyUnchangedModuleIsServedFromTheCache() throws Exception {
        depmodOk();
        DepmodCache cache = DepmodCache.load(this.cache.getParent());
        try (var files = Files.walk(moduleDir)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".ko"))::iterator) {
                assertThat(cache.lookup(p.toString(), ModuleStamp.of(p.toString()))).as(p.toString()).isNotNull();
            }
        }
        Files.setLastModifiedTime(extra.resolve("chain_a.ko"), FileTime.fromMillis(1_000_000));
        Path changed = extra.resolve("chain_a.ko");
        assertThat(cache.lookup(changed.toString(), ModuleStamp.of(changed.toString()))).isNull();
    }

    @Test
    void aRemovedModuleIsDroppedAndItsUsersLoseTheDependency() throws Exception {
        assertIncrementalEqualsFull("before");
        // stack_core is what most samples stack on: their dependencies must be recomputed, not
        // taken from the last run.
        Files.delete(extra.resolve("stack_core.ko"));
        assertIncrementalEqualsFull("stack_core removed");
        Files.delete(extra.resolve("chain_c.ko"));
        assertIncrementalEqualsFull("chain_c removed too");
        assertCacheValid();
        // the cache forgets removed modules: a module put back is read afresh
        Files.copy(Fixtures.module("stack_core"), extra.resolve("stack_core.ko"));
        assertIncrementalEqualsFull("stack_core back");
    }

    @Test
    void aRenamedModuleIsFoundUnderItsNewPath() throws Exception {
        assertIncrementalEqualsFull("before");
        // chain_b.ko -> sub/chain-b.ko: same module name, same inode, size and mtime, new path.
        Path sub = Files.createDirectories(extra.resolve("sub"));
        Files.move(extra.resolve("chain_b.ko"), sub.resolve("chain-b.ko"));
        assertIncrementalEqualsFull("chain_b renamed to sub/chain-b.ko");
        // and a second file moved onto the first one's old path
        Files.move(extra.resolve("chain_a.ko"), extra.resolve("chain_b.ko"));
        assertIncrementalEqualsFull("chain_a.ko moved to chain_b.ko");
        assertCacheValid();
    }

    @Test
    void aChangedModulesOrderIsFollowed() throws Exception {
        // modules.order is not in the cache; it must count on every run.
        assertIncrementalEqualsFull("before");
        List<String> lines = new ArrayList<>(Files.readAllLines(moduleDir.resolve("modules.order")));
        Collections.reverse(lines);
        Files.write(moduleDir.resolve("modules.order"), lines);
        assertIncrementalEqualsFull("modules.order reversed");
    }

    @Test
    void aDamagedModuleIsReportedOnEveryRunEvenFromTheCache() throws Exception {
        // The read error is cached with the contents: a warm run must print kmod's message
        // again, not fall silent.
        Path dup = extra.resolve("stack_dup.ko");
        byte[] bytes = Files.readAllBytes(dup);
        Files.delete(dup);
        Files.write(dup, Arrays.copyOf(bytes, 700));
        Outcome first = assertIncrementalEqualsFull("stack_dup truncated");
        assertThat(first.run().err()).contains("stack_dup.ko");
        Outcome warm = assertIncrementalEqualsFull("warm run, stack_dup still truncated");
        assertThat(warm.run()).isEqualTo(first.run());
        // garbage instead of an ELF file, same story
        Files.write(extra.resolve("stack_alias.ko"), "not an ELF file".getBytes(StandardCharsets.ISO_8859_1));
        assertIncrementalEqualsFull("stack_alias garbage");
        assertIncrementalEqualsFull("warm run, stack_alias garbage");
        // repaired: the module is read again
        Files.copy(Fixtures.module("stack_dup"), dup, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Fixtures.module("stack_alias"), extra.resolve("stack_alias.ko"), StandardCopyOption.REPLACE_EXISTING);
        assertIncrementalEqualsFull("both repaired");
        assertCacheValid();
    }

    @Test
    void aCacheOfAnotherTreeIsUsedForNothing() throws Exception {
        // Entries are keyed by absolute path: another tree's cache, even one of identical
        // files, matches nothing here, and is replaced by this tree's.
        Path other = tmp.resolve("other");
        copyTree(root, other);
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b", other.toString(), RELEASE);
        Files.delete(extra.resolve("chain_c.ko"));
        Files.copy(DepmodCache.defaultDirectory(other.resolve("lib/modules").resolve(RELEASE))
                .resolve(DepmodCache.FILE_NAME), cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] foreign = Files.readAllBytes(cache);
        assertIncrementalEqualsFull("with another tree's cache");
        assertThat(Files.readAllBytes(cache)).isNotEqualTo(foreign);
        assertCacheValid();
    }

    // ---------------------------------------------------------------- a JVM of its own

    /**
     * An incremental run compares each module it reads with the cache. Through the records' own
     * equals, the first comparison bound java.lang.runtime.ObjectMethods by method handles (some
     * twenty classes spun: 25 ms of a 320 ms run); their equals are written out. Checked in a JVM
     * of its own, whose class loading is logged.
     */
    @Test
    void anIncrementalRunBindsNoRecordMethodThroughMethodHandles() throws Exception {
        Path xdg = tmp.resolve("xdg");
        assertThat(depmodInOwnJvm(xdg, null)).as("a first run, warming the cache").isZero();
        Files.setLastModifiedTime(extra.resolve("stack_core.ko"),
                FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Path classes = tmp.resolve("classes.log");
        assertThat(depmodInOwnJvm(xdg, classes)).isZero();
        assertThat(Files.readString(classes)).as("the touched module was read and compared")
                .contains("org.modstack.depmod.ModuleReader ").doesNotContain("java.lang.runtime.ObjectMethods ");
    }

    /**
     * depmod of the sample tree in a new JVM, its cache under {@code xdg}, logging class loading
     * to {@code classLog} unless null.
     */
    private int depmodInOwnJvm(Path xdg, Path classLog) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (classLog != null) {
            cmd.add("-Xlog:class+load:file=" + classLog);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "depmod", "-b", root.toString(), RELEASE));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("XDG_CACHE_HOME", xdg.toString());
        return pb.start().waitFor();
    }

    // ---------------------------------------------------------------- damage to the cache

    @Test
    void aTruncatedCacheIsIgnoredAndRebuilt() throws Exception {
        depmodOk();
        byte[] good = Files.readAllBytes(cache);
        // every cut: inside the header, at its end, inside the string table, one byte short
        for (int length : new int[] {0, 1, 4, 8, 11, 12, 13, 16, good.length / 3, good.length / 2, good.length - 9,
                good.length - 1}) {
            Files.write(cache, Arrays.copyOf(good, length));
            changeSomething(length);
            assertIncrementalEqualsFull("cache cut to " + length + " of " + good.length + " bytes");
            assertCacheValid();
        }
    }

    @Test
    void aCacheWithAFlippedByteIsIgnoredAndRebuilt() throws Exception {
        depmodOk();
        byte[] good = Files.readAllBytes(cache);
        // magic, version, checksum, string table, module records, the very last byte
        for (int at : new int[] {0, 3, 4, 7, 8, 11, 12, 20, good.length / 2, good.length * 3 / 4, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x01;
            Files.write(cache, bad);
            changeSomething(at);
            assertIncrementalEqualsFull("cache with byte " + at + " of " + good.length + " flipped");
            assertCacheValid();
        }
    }

    @Test
    void aCacheWithTrailingBytesIsIgnoredAndRebuilt() throws Exception {
        depmodOk();
        byte[] good = Files.readAllBytes(cache);
        Files.write(cache, Arrays.copyOf(good, good.length + 8));  // checksum no longer matches
        assertIncrementalEqualsFull("cache with 8 zero bytes appended");
        assertCacheValid();
    }

    @Test
    void garbageInPlaceOfTheCacheIsIgnoredAndReplaced() throws Exception {
        Random random = new Random(42);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        byte[] magicThenNoise = noise.clone();
        System.arraycopy("MSDC".getBytes(StandardCharsets.ISO_8859_1), 0, magicThenNoise, 0, 4);
        byte[] goodHeaderBadBody = noise.clone();
        ByteBuffer.wrap(goodHeaderBadBody).putInt(0x4D534443).putInt(1);
        byte[] futureVersion = noise.clone();
        ByteBuffer.wrap(futureVersion).putInt(0x4D534443).putInt(2);
        for (byte[] garbage : List.of(noise, magicThenNoise, goodHeaderBadBody, futureVersion,
                "MSDC".getBytes(StandardCharsets.ISO_8859_1), new byte[100_000])) {
            Files.write(cache, garbage);
            assertIncrementalEqualsFull("garbage of " + garbage.length + " bytes as the cache");
            assertCacheValid();
        }
    }

    @Test
    void aCacheWithANewInodeForEveryModuleIsIgnoredModuleByModule() throws Exception {
        // A valid cache that no longer matches anything (every file reinstalled, as a package
        // upgrade does, times preserved): every file is read again, none taken from the cache.
        depmodOk();
        byte[] good = Files.readAllBytes(cache);
        for (String m : SAMPLES) {
            // a new file (new inode) with the old size and mtime; stack_prop's with other
            // contents of that size, so that a stale entry would show in the output
            Path ko = extra.resolve(m + ".ko");
            Path staged = extra.resolve(m + ".new");
            Files.write(staged, m.equals("stack_prop") ? propVariant() : Files.readAllBytes(ko));
            Files.setLastModifiedTime(staged, Files.getLastModifiedTime(ko));
            Files.move(staged, ko, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        assertThat(Files.readAllBytes(cache)).isEqualTo(good);
        assertIncrementalEqualsFull("every module file replaced");
        assertCacheValid();
    }

    @Test
    void aDirectoryInPlaceOfTheCacheIsLeftAloneAndTheRunStillIndexes() throws Exception {
        // depmod cannot write its cache over a directory and must not remove what it did not
        // create: it indexes without a cache, every time, and leaves no temporary file.
        Files.createDirectories(cache);
        Files.writeString(cache.resolve("someone's file"), "keep me");
        assertIncrementalEqualsFull("cache path is a non-empty directory");
        assertIncrementalEqualsFull("again");
        assertThat(cache).isDirectory();
        assertThat(cache.resolve("someone's file")).hasContent("keep me");
        Files.delete(cache.resolve("someone's file"));
        assertIncrementalEqualsFull("cache path is an empty directory");
        assertThat(cache).isDirectory();
        assertNoTemporaryFiles();
    }

    @Test
    void aSymlinkInPlaceOfTheCacheIsReplacedNotWrittenThrough() throws Exception {
        // (Not a dangling link: the module search would report it, in words that depend on the
        // tree, and the full run's copy has no such link.)
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "someone else's file");
        Files.createSymbolicLink(cache, elsewhere);
        assertIncrementalEqualsFull("cache path is a symlink to another file");
        assertThat(Files.isSymbolicLink(cache)).isFalse();
        assertThat(elsewhere).hasContent("someone else's file");
        assertCacheValid();
    }

    @Test
    void aCacheWithAValidChecksumButImpossibleCountsIsIgnored() throws Exception {
        // The checksum only catches accidents. A cache written by a build with another layout
        // under the same version number has a good checksum and nonsense inside; "the cache is
        // a hint, never trusted" must hold for it too.
        for (int count : new int[] {-1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            Files.write(cache, checksummed(ByteBuffer.allocate(4).putInt(count).array()));  // nstrings
            assertIncrementalEqualsFull("cache with " + count + " strings");
            assertCacheValid();
            // no strings, no string bytes, then the module count
            Files.write(cache, checksummed(ByteBuffer.allocate(12).putInt(0).putInt(0).putInt(count).array()));
            assertIncrementalEqualsFull("cache with " + count + " modules");
            assertCacheValid();
        }
        // one string, said to start past the end of the file or to run past it, named by a module
        for (int[] string : new int[][] {{1 << 20, 0}, {-4, 0}, {32, 0xFFFF}}) {
            ByteBuffer body = ByteBuffer.allocate(4 + 4 + 4 + 2 + 4 + 4 + 40 + 4 + 4).putInt(1)
                    .putInt(string[0] == 32 ? CheckedFile.HEADER_SIZE + 20 : string[0]).putInt(2)
                    .putShort((short) string[1]).putInt(1).putInt(0).put(new byte[40]).putInt(-1).putInt(0);
            Files.write(cache, checksummed(body.array()));
            assertIncrementalEqualsFull("cache with a string at " + string[0] + " of length " + string[1]);
            assertCacheValid();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A cache file of the current version with a correct header and checksum around a generation and {@code body}. */
    private static byte[] checksummed(byte[] body) {
        byte[] all = ByteBuffer.allocate(8 + body.length).putLong(42).put(body).array();
        CRC32 crc = new CRC32();
        crc.update(all);
        return ByteBuffer.allocate(12 + all.length).putInt(0x4D534443).putInt(DepmodCache.VERSION)
                .putInt((int) crc.getValue()).put(all).array();
    }

    /** Alternates a small real change, so that a damaged cache meets both unchanged and changed files. */
    private void changeSomething(int seed) throws IOException {
        Path prop = extra.resolve("stack_prop.ko");
        if (seed % 2 == 0) {
            Files.deleteIfExists(prop);
        } else if (Files.notExists(prop)) {
            Files.copy(Fixtures.module("stack_prop"), prop);
        }
    }

    /**
     * stack_prop.ko with its one import renamed, same size: stack_exp_int becomes an unknown
     * symbol, so stack_prop no longer depends on stack_core. (stack_nons.ko has stack_prop's size
     * too, but gives the same output lines, so it cannot show a stale cache entry.)
     */
    private static byte[] propVariant() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.module("stack_prop"));
        byte[] from = "stack_exp_int\0".getBytes(StandardCharsets.ISO_8859_1);
        int replaced = 0;
        for (int i = 0; i + from.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                b[i + from.length - 2] = 'x';
                replaced++;
            }
        }
        assertThat(replaced).as("occurrences of stack_exp_int in stack_prop.ko").isPositive();
        return b;
    }

    private static void rewriteInPlaceKeepingMtime(Path file, byte[] contents) throws IOException {
        FileTime old = Files.getLastModifiedTime(file);
        Object inode = Files.getAttribute(file, "unix:ino");
        Files.write(file, contents, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        Files.setLastModifiedTime(file, old);
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
    }

    private Outcome assertIncrementalEqualsFull(String what) throws IOException {
        return assertIncrementalEqualsFull(what, List.of());
    }

    /**
     * Runs depmod with {@code mode} on the tree (using and updating the cache) and a full
     * {@code --no-cache} run on a copy of the same state; both must print and write the same.
     */
    private Outcome assertIncrementalEqualsFull(String what, List<String> mode) throws IOException {
        Outcome full = fullRun(mode);
        Map<String, String> before = outputs();
        List<String> args = new ArrayList<>(mode);
        args.addAll(List.of("-b", root.toString(), RELEASE));
        Outcome incremental = capture(depmod(args.toArray(String[]::new)));
        assertThat(normalized(incremental.run())).as(what + ": status, stdout, stderr")
                .isEqualTo(normalized(full.run()));
        // What the full run wrote, over what the tree held before: files the mode does not
        // write (all of them for -n, modules.weakdep for kmod 30) stay as they were.
        Map<String, String> expected = new TreeMap<>(before);
        expected.putAll(full.files());
        assertSameFiles(what, incremental.files(), expected);
        assertThat(incremental.files()).as(what + ": something was written").isNotEmpty();
        assertNoTemporaryFiles();
        return incremental;
    }

    /** Equal maps of file name to contents; on a difference, names the file and the first differing byte. */
    private static void assertSameFiles(String what, Map<String, String> actual, Map<String, String> expected) {
        assertThat(actual.keySet()).as(what + ": the files in the module directory").isEqualTo(expected.keySet());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            String x = e.getValue();
            if (!a.equals(x)) {
                int i = 0;
                while (i < a.length() && i < x.length() && a.charAt(i) == x.charAt(i)) {
                    i++;
                }
                throw new AssertionError(what + ": " + e.getKey() + " differs from the full run's at byte " + i
                        + " (sizes " + a.length() + " and " + x.length() + ")"
                        + (e.getKey().endsWith(".bin") ? "" : "\n  incremental: " + a + "\n  full:        " + x));
            }
        }
    }

    /** A full run on a fresh copy of the tree's current state (modules and inputs, no outputs, no cache). */
    private Outcome fullRun(List<String> mode) throws IOException {
        Path copy = tmp.resolve("full-" + copies++);
        copyTree(root, copy);
        List<String> args = new ArrayList<>(mode);
        args.addAll(List.of("--no-cache", "-b", copy.toString(), RELEASE));
        Run run = depmod(args.toArray(String[]::new));
        Path copyDir = copy.resolve("lib/modules").resolve(RELEASE);
        assertThat(DepmodCache.defaultDirectory(copyDir).resolve(DepmodCache.FILE_NAME)).as("--no-cache writes no cache").doesNotExist();
        Outcome out = new Outcome(new Run(run.status(), run.out().replace(copy.toString(), root.toString()),
                run.err().replace(copy.toString(), root.toString())), files(copyDir));
        FileTrees.delete(copy);
        return out;
    }

    private Outcome capture(Run run) throws IOException {
        return new Outcome(run, files(moduleDir));
    }

    private Run normalized(Run run) {
        return new Run(run.status(), run.out().replace(root.toString(), "ROOT"), run.err().replace(root.toString(), "ROOT"));
    }

    private Map<String, String> outputs() throws IOException {
        return files(moduleDir);
    }

    /** Every regular file at the top of a module directory but the inputs and the cache, as Latin-1 text. */
    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !INPUTS.contains(name) && !name.equals(DepmodCache.FILE_NAME)) {
                    out.put(name, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(moduleDir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .as("temporary files left in the module directory")
                    .noneMatch(n -> n.matches(".*\\.\\d+(\\.\\d+)?$"));
        }
    }

    /**
     * The cache is a regular file starting with "MSDC", and a loadable one: a further run with
     * nothing changed neither rewrites it nor prints or writes anything else than a full run.
     */
    private void assertCacheValid() throws IOException {
        assertThat(cache).isRegularFile();
        byte[] bytes = Files.readAllBytes(cache);
        assertThat(bytes).hasSizeGreaterThan(12);
        assertThat(new String(bytes, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("MSDC");
        assertThat(DepmodCache.load(cache.getParent()).size()).as("modules in the cache").isPositive();
        assertIncrementalEqualsFull("warm run checking the cache");
        assertThat(Files.readAllBytes(cache)).as("a loadable, complete cache is not rewritten").isEqualTo(bytes);
    }

    private Run depmodOk() {
        Run run = depmod("-b", root.toString(), RELEASE);
        assertThat(run.status()).as(run.err()).isZero();
        return run;
    }

    private static Run depmod(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "depmod";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = Main.run(out, err, all);
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    /** Copies modules and inputs (not outputs, not the cache) into a new root. */
    private static void copyTree(Path from, Path to) throws IOException {
        Path fromDir = from.resolve("lib/modules").resolve(RELEASE);
        Path toDir = to.resolve("lib/modules").resolve(RELEASE);
        Path cacheFile = fromDir.resolve(DepmodCache.FILE_NAME);
        try (Stream<Path> s = Files.walk(fromDir)) {
            for (Path p : s.toList()) {
                Path target = toDir.resolve(fromDir.relativize(p).toString());
                String name = p.getFileName().toString();
                if (p.startsWith(cacheFile)) {
                    continue;  // whatever sits at the cache's path is not part of the tree
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.getParent().equals(fromDir) ? INPUTS.contains(name) : Files.isRegularFile(p)) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
