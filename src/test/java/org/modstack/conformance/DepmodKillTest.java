package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.depmod.IndexSet;
import org.modstack.index.IndexFile;

/**
 * depmod killed with SIGKILL at any moment must never leave a truncated or half-written index,
 * since modprobe and udev read them at any moment too: every file must be byte-equal to the
 * previous run's or the new run's, and readable.
 *
 * <p>The set as a whole cannot be atomic: {@code IndexSet} stages every file under a temporary
 * name and only then renames them one by one, in kmod's order, so a kill between two renames
 * leaves the first files new and the rest old (kmod itself renames each file as soon as it is
 * written). The test asserts exactly that much, using the staged files a kill leaves behind to
 * tell the phase it hit, and counts and reports how often the renaming window was hit and how
 * often the set was left mixed.
 *
 * <p>depmod runs as a real process, with the launcher's JVM flags but from the test class path,
 * so that it works in the test phase before the jar is packaged. The tree alternates between
 * two states (one module's file replaced by another module's bytes) so that each killed run
 * has something different to write. Random kills spread over a whole run rarely land in the
 * few milliseconds of writing, so a second series aims at it: each kill comes a random delay
 * after the first staged file shows.
 */
@Tag("conformance")
class DepmodKillTest {
    /** Kills at a random moment of a run. */
    private static final int RANDOM_KILLS = 25;
    /**
     * Kills aimed at each writing phase in turn, on a run whose writer pauses {@link #PAUSE_MILLIS}
     * after each staged file and each rename ({@code IndexSet.PAUSE_PROPERTY}): half while staging
     * (a random delay after the first staged file shows), half while renaming (after the first
     * staged file is renamed away).
     */
    private static final int AIMED_KILLS = 16;
    private static final long PAUSE_MILLIS = 15;
    /** Of the aimed kills, at least this many must land in each phase, or the phase went untested. */
    private static final int MIN_KILLS_PER_PHASE = 5;
    /** Stop starting new runs after this long, whatever N says. */
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(300);
    /** The module whose file changes between the two states: it has a dependency, aliases and a devname. */
    private static final String VICTIM = "kernel/fs/fuse/cuse.ko";
    /** A staged file of IndexSet ({@code modules.dep.<pid>.<nanos>}). */
    private static final String STAGED = "modules\\..+\\.\\d+\\.\\d+";
    /** A staged cache file ({@code .modstack-depmod.cache.<pid>}). */
    private static final String STAGED_CACHE = "\\.modstack-depmod\\.cache\\.\\d+";

    private Path root;
    private Path moduleDir;
    private String release;
    private Path original;
    private Path tmp;

    /** What a kill left, as counted over the whole test. */
    private static final class Tally {
        int runs;
        int finishedBeforeKill;
        int untouched;
        int stagedOnly;
        int renaming;
        int mixed;
        int complete;
        int stagedFilesLeft;
        int stagedCachesLeft;
        int aimedStaging;
        int aimedRenaming;
        final List<String> mixedSets = new ArrayList<>();
    }

    @Test
    void aKilledDepmodLeavesEveryIndexWholeAndRenamesOnlyInWriteOrder(@TempDir Path tmp) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        this.tmp = tmp;
        release = tree.release();
        root = TreeCopy.link(tree.root(), tmp.resolve("root"));
        moduleDir = root.resolve("lib/modules").resolve(release);
        original = tree.moduleDir().resolve(VICTIM);
        assertThat(original).isRegularFile();

        // The two complete sets, from uninterrupted runs. The first run also builds the cache,
        // as a user's tree would have one; later runs re-read only the changed module.
        setState(false);
        runToCompletion();
        Map<String, byte[]> a = outputs();
        setState(true);
        long t1 = runToCompletion();
        Map<String, byte[]> b = outputs();
        setState(false);
        long t2 = runToCompletion();
        assertSameSet(outputs(), a, "state A indexed twice");
        setState(true);
        long t3 = runToCompletion();
        assertSameSet(outputs(), b, "state B indexed twice");
        long runNanos = Math.max(t1, Math.max(t2, t3));

        assertThat(a.keySet()).isEqualTo(b.keySet());
        List<String> differing = a.keySet().stream().filter(f -> !Arrays.equals(a.get(f), b.get(f))).toList();
        // the change shows in files written first, in the middle and last
        assertThat(differing).contains("modules.dep", "modules.alias.bin", "modules.devname");
        checkReadable(a, "state A");

        Tally tally = new Tally();
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        long start = System.nanoTime();
        for (int i = 0; i < RANDOM_KILLS + AIMED_KILLS && System.nanoTime() - start < BUDGET_NANOS; i++) {
            Map<String, byte[]> before = outputs();
            // index the state the files on disk are furthest from
            long onDiskB = differing.stream().filter(f -> Arrays.equals(before.get(f), b.get(f))).count();
            boolean toB = onDiskB * 2 < differing.size();
            Map<String, byte[]> target = toB ? b : a;
            setState(toB);
            boolean aimed = i >= RANDOM_KILLS;
            Phase phase = !aimed ? Phase.ANY : i % 2 == 0 ? Phase.STAGING : Phase.RENAMING;
            // random: anywhere in the run, a little past its usual end; aimed: within the first
            // half of the phase's pauses (about PAUSE_MILLIS per output file)
            long delayNanos = aimed ? TimeUnit.MICROSECONDS.toNanos(random.nextLong(PAUSE_MILLIS * 1000 * 5))
                    : (long) (random.nextDouble() * runNanos * 1.1);
            boolean finished = killRun(phase, delayNanos, a.size());
            tally.runs++;
            if (finished) {
                tally.finishedBeforeKill++;
            }
            String what = "kill " + i + " (" + phase + ", " + delayNanos / 1_000_000 + " ms, seed " + seed + ")";

            // 1. Every index is there, whole, one run's: byte-equal to state A's or state B's.
            Map<String, byte[]> now = outputs();
            assertThat(now.keySet()).as(what + ": the index files").isEqualTo(a.keySet());
            for (Map.Entry<String, byte[]> e : now.entrySet()) {
                byte[] x = e.getValue();
                assertThat(Arrays.equals(x, a.get(e.getKey())) || Arrays.equals(x, b.get(e.getKey())))
                        .as(what + ": " + e.getKey() + " (" + x.length + " bytes) is one run's whole file").isTrue();
            }
            checkReadable(now, what);

            // 2. The set is as consistent as the writer's design allows. The staged files left
            // behind tell the phase the kill hit: while staging they are a prefix of the write
            // order and nothing is renamed yet; while renaming (in the same order) they are a
            // suffix, complete, and exactly the files before them are new.
            Map<String, Path> staged = staged();
            List<String> order = new ArrayList<>(TreeCopy.OUTPUTS);
            order.retainAll(a.keySet());
            List<String> changed = differing.stream().filter(f -> !Arrays.equals(before.get(f), target.get(f))).toList();
            List<String> renamed = changed.stream().filter(f -> Arrays.equals(now.get(f), target.get(f))).toList();
            if (staged.isEmpty()) {
                assertThat(renamed.isEmpty() || renamed.equals(changed))
                        .as(what + ": no staged file left, so all or none of " + changed + " are new, not " + renamed)
                        .isTrue();
            } else if (staged.containsKey(order.get(0))) {
                assertThat(staged.keySet()).as(what + ": staging, a prefix of the write order")
                        .containsExactlyElementsOf(order.subList(0, staged.size()));
                assertThat(renamed).as(what + ": staging, nothing renamed yet").isEmpty();
                if (aimed) {
                    tally.aimedStaging++;
                }
            } else {
                tally.renaming++;
                if (aimed) {
                    tally.aimedRenaming++;
                }
                List<String> suffix = order.subList(order.size() - staged.size(), order.size());
                assertThat(staged.keySet()).as(what + ": renaming, a suffix of the write order")
                        .containsExactlyElementsOf(suffix);
                assertThat(renamed).as(what + ": renaming, exactly the files before the staged ones are new")
                        .isEqualTo(changed.stream().filter(f -> !suffix.contains(f)).toList());
                for (Map.Entry<String, Path> e : staged.entrySet()) {
                    assertThat(Arrays.equals(Files.readAllBytes(e.getValue()), target.get(e.getKey())))
                            .as(what + ": staged " + e.getKey() + " is complete").isTrue();
                }
                if (!renamed.isEmpty() && renamed.size() < changed.size()) {
                    tally.mixedSets.add(what + ": " + renamed + " new, " + changed.stream()
                            .filter(f -> !renamed.contains(f)).toList() + " old");
                }
            }
            tally.stagedFilesLeft += staged.size();
            for (Path p : staged.values()) {
                Files.delete(p);
            }
            tally.stagedCachesLeft += removeStaged(STAGED_CACHE);
            if (!renamed.isEmpty() && renamed.size() < changed.size()) {
                tally.mixed++;
            } else if (!renamed.isEmpty()) {
                tally.complete++;
            } else if (!staged.isEmpty()) {
                tally.stagedOnly++;
            } else {
                tally.untouched++;
            }
        }
        System.out.printf("conformance: depmod kill test: %d runs killed with SIGKILL (%d at random over a %d ms "
                        + "run, %d aimed at the writing phase; seed %d): %d left the old set untouched, %d were "
                        + "killed while staging, %d while renaming (%d of them left a set mixing both runs), %d left "
                        + "the new set complete (%d had finished); %d staged index files and %d staged caches left "
                        + "behind; every file whole and readable%n",
                tally.runs, Math.min(tally.runs, RANDOM_KILLS), runNanos / 1_000_000,
                Math.max(0, tally.runs - RANDOM_KILLS), seed, tally.untouched, tally.stagedOnly, tally.renaming,
                tally.mixed, tally.complete, tally.finishedBeforeKill, tally.stagedFilesLeft, tally.stagedCachesLeft);
        System.out.printf("conformance: depmod kill test: of %d aimed kills, %d landed while staging, %d while renaming%n",
                AIMED_KILLS, tally.aimedStaging, tally.aimedRenaming);
        tally.mixedSets.forEach(m -> System.out.println("conformance: depmod kill test: mixed set after " + m));
        assertThat(tally.runs).as("runs within the time budget").isEqualTo(RANDOM_KILLS + AIMED_KILLS);
        assertThat(tally.aimedStaging).as("aimed kills that landed while staging").isGreaterThanOrEqualTo(MIN_KILLS_PER_PHASE);
        assertThat(tally.aimedRenaming).as("aimed kills that landed while renaming").isGreaterThanOrEqualTo(MIN_KILLS_PER_PHASE);

        // After all that, an uninterrupted run still gives exactly the complete set.
        boolean finalB = Arrays.equals(outputs().get("modules.dep"), a.get("modules.dep"));
        setState(finalB);
        runToCompletion();
        assertSameSet(outputs(), finalB ? b : a, "a full run after the kills");
    }

    /** Puts the tree in state A (the original file) or B (stack_alias's bytes), never writing through the hard link. */
    private void setState(boolean b) throws IOException {
        Path victim = moduleDir.resolve(VICTIM);
        Files.deleteIfExists(victim);
        if (b) {
            Files.copy(Fixtures.module("stack_alias"), victim);
        } else {
            Files.createLink(victim, original);
        }
    }

    /** Where a kill is aimed. */
    private enum Phase { ANY, STAGING, RENAMING }

    private ProcessBuilder depmod(Phase phase) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the launcher's flags (bin/modstack), so the timing is the user's
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms32m", "-Xmn16m", "-XX:-UsePerfData", "-Xlog:disable",
                "-D" + IndexSet.PAUSE_PROPERTY + "=" + (phase == Phase.ANY ? 0 : PAUSE_MILLIS),
                "-cp", System.getProperty("java.class.path"), "org.modstack.cli.Main", "depmod",
                // the cache beside the indexes, where this test counts the staged caches a kill left
                "--cache-dir=" + moduleDir, "-C", "/nonexistent-depmod.d", "-b", root.toString(), release));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C");
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        return pb;
    }

    /** Runs depmod to its end; returns how long it took. */
    private long runToCompletion() throws Exception {
        Path err = tmp.resolve("depmod.err");
        ProcessBuilder pb = depmod(Phase.ANY).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        long took = System.nanoTime() - t0;
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(err)).doesNotContain("internal error").doesNotContain("Exception");
        return took;
    }

    /**
     * Starts depmod and kills it with SIGKILL after {@code delayNanos}, counted from the start
     * (any phase), from the moment the first staged index file appears (staging), or from the
     * moment the first of the {@code outputs} staged files is renamed away (renaming).
     *
     * @return whether it had already finished
     */
    private boolean killRun(Phase phase, long delayNanos, int outputs) throws Exception {
        Path err = tmp.resolve("killed.err");
        ProcessBuilder pb = depmod(phase).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        Process p = pb.start();
        long from = System.nanoTime();
        if (phase != Phase.ANY) {
            while (p.isAlive() && stagedCount() == 0) {
                Thread.onSpinWait();
            }
            if (phase == Phase.RENAMING) {
                while (p.isAlive() && stagedCount() < outputs) {
                    Thread.sleep(1);
                }
                while (p.isAlive() && stagedCount() == outputs) {
                    Thread.onSpinWait();
                }
            }
            from = System.nanoTime();
        }
        long until = from + delayNanos;
        while (p.isAlive() && System.nanoTime() < until) {
            long left = until - System.nanoTime();
            if (left > 2_000_000) {
                Thread.sleep(1);
            } else {
                Thread.onSpinWait();
            }
        }
        boolean finished = !p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        if (finished) {
            // it ended on its own: then it must have succeeded, or the kills prove nothing
            assertThat(p.exitValue()).as("depmod ended before the kill: " + Files.readString(err)).isZero();
        }
        return finished;
    }

    /** The staged index files left in the module directory, by the output they were for. */
    private Map<String, Path> staged() throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(moduleDir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.matches(STAGED)) {
                    assertThat(out.put(name.replaceFirst("\\.\\d+\\.\\d+$", ""), p)).as("one staged " + name).isNull();
                }
            }
        }
        // in the write order, to compare with it
        Map<String, Path> ordered = new LinkedHashMap<>();
        for (String f : TreeCopy.OUTPUTS) {
            if (out.containsKey(f)) {
                ordered.put(f, out.remove(f));
            }
        }
        assertThat(out).as("staged files of no known output").isEmpty();
        return ordered;
    }

    private long stagedCount() throws IOException {
        try (Stream<Path> s = Files.list(moduleDir)) {
            return s.filter(p -> p.getFileName().toString().matches(STAGED)).count();
        }
    }

    /** Removes the staged files a killed run left; returns how many. */
    private int removeStaged(String pattern) throws IOException {
        int n = 0;
        try (Stream<Path> s = Files.list(moduleDir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().matches(pattern)) {
                    Files.delete(p);
                    n++;
                }
            }
        }
        return n;
    }

    private Map<String, byte[]> outputs() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : TreeCopy.OUTPUTS) {
            Path p = moduleDir.resolve(f);
            if (Files.exists(p)) {
                files.put(f, Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSameSet(Map<String, byte[]> actual, Map<String, byte[]> expected, String what) {
        assertThat(actual.keySet()).as(what).isEqualTo(expected.keySet());
        for (String f : expected.keySet()) {
            assertThat(Arrays.equals(actual.get(f), expected.get(f))).as(what + ": " + f).isTrue();
        }
    }

    /**
     * Every binary index opens, and a key present in both states is found: modprobe could use
     * the set as it is.
     */
    private void checkReadable(Map<String, byte[]> files, String what) throws Exception {
        Map<String, String> keys = new TreeMap<>(Map.of(
                "modules.dep.bin", "fuse",
                "modules.alias.bin", "fs_fuse",  // keys are stored as modprobe normalises them
                "modules.symbols.bin", firstWord(files, "modules.symbols", 1),
                "modules.builtin.bin", firstBuiltin()));
        for (String f : files.keySet()) {
            if (!f.endsWith(".bin")) {
                continue;
            }
            IndexFile index = IndexFile.open(moduleDir.resolve(f));
            String key = keys.get(f);
            if (key != null) {
                assertThat(index.searchWild(key)).as(what + ": " + f + " finds " + key).isNotEmpty();
            } else {
                index.searchWild("fuse");  // must not fail; the result may be empty
            }
        }
    }

    /** The {@code word}th word of the first non-comment line of a text output. */
    private static String firstWord(Map<String, byte[]> files, String name, int word) {
        for (String line : new String(files.get(name), StandardCharsets.ISO_8859_1).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                return line.split(" ")[word];
            }
        }
        throw new AssertionError(name + " is empty");
    }

    private String firstBuiltin() throws IOException {
        String first = Files.readAllLines(moduleDir.resolve("modules.builtin")).get(0);
        String base = first.substring(first.lastIndexOf('/') + 1);
        return base.substring(0, base.indexOf('.')).replace('-', '_');
    }
}
