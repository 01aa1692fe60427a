package org.modstack.modprobe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.Fixtures;
import org.modstack.cli.Main;
import org.modstack.index.KmodVersion;

/**
 * modprobe -r's plan over a loaded stack, against a scripted kernel state: kmod's order of
 * post-softdeps, holders, the in-use refusal, the module, the dependencies left unused, and
 * pre-softdeps, as modprobe.c's rmmod_do_module takes them.
 */
class ModprobeRemovalTest {
    private static final String RELEASE = "6.1.0-test";

    @TempDir
    Path tmp;

    private ModuleDirectory dir;
    private final List<String> log = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();

    /** chain_c uses chain_b uses chain_a; all three loaded. */
    private static final class Stack implements KernelState {
        final Map<String, Integer> refcnt = new HashMap<>(Map.of("chain_a", 1, "chain_b", 1, "chain_c", 0));
        final Map<String, List<String>> holders = Map.of("chain_a", List.of("chain_b"), "chain_b", List.of("chain_c"));

        @Override
        public List<Loaded> loaded() {
            return refcnt.keySet().stream().sorted().map(n -> new Loaded(n, 16384, "Live", false, "")).toList();
        }

        @Override
        public boolean isBuiltin(String name) {
            return false;
        }

        @Override
        public InitState initState(String name) {
            return refcnt.containsKey(name) ? InitState.LIVE : InitState.NOT_LOADED;
        }

        @Override
        public int refcnt(String name) throws ErrnoException {
            Integer n = refcnt.get(name);
            if (n == null) {
                throw new ErrnoException(Errno.ENOENT, name + " is not loaded");
            }
            return n;
        }

        @Override
        public List<String> holders(String name) {
            return holders.getOrDefault(name, List.of());
        }

        @Override
        public void insert(Path file, String options, boolean forceModversion, boolean forceVermagic) {
            throw new AssertionError("a removal inserts nothing");
        }

        @Override
        public void remove(String name, boolean force) {
            throw new AssertionError("a dry run removes nothing");
        }

        @Override
        public void runInstallCommand(String command, String options) {
            throw new AssertionError("a removal runs no install command");
        }
    }

    @BeforeEach
    void tree() throws Exception {
        Path extra = Files.createDirectories(tmp.resolve("lib/modules").resolve(RELEASE).resolve("extra"));
        for (String m : List.of("chain_a", "chain_b", "chain_c")) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
        }
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b",
                tmp.toString(), RELEASE);
        dir = ModuleDirectory.of(tmp + "/lib/modules/" + RELEASE).asModprobeReadsIt(e -> log.add(e.forModprobe(KmodVersion.KMOD30)));
    }

    /** modprobe -r -n: the removal's outcome, empty when it succeeded, else its errno. */
    private Optional<Errno> remove(Stack state, String name, boolean holders) throws Exception {
        Modprobe modprobe = new Modprobe(dir, NO_CONFIG, state);
        Modprobe.RemoveOutput out = new Modprobe.RemoveOutput() {
            @Override
            public void log(String message) {
                log.add(message);
            }

            @Override
            public void show(String line) {
                shown.add(line);
            }

            @Override
            public void removeFailed(String name, ErrnoException e) {
                throw new AssertionError("a dry run removes nothing");
            }

            @Override
            public void waitFailed(String name, ErrnoException e) {
                throw new AssertionError("a dry run waits for nothing");
            }
        };
        try {
            modprobe.remove(modprobe.lookup(name).get(0), new Modprobe.RemoveFlags(false, false, false, holders, true, false, 0),
                    out);
            return Optional.empty();
        } catch (ErrnoException e) {
            return Optional.of(e.errno());
        }
    }

    @Test
    void topOfTheStackGoesAloneWhileItsDependenciesAreStillHeld() throws Exception {
        assertThat(remove(new Stack(), "chain_c", false)).isEmpty();
        assertThat(shown).containsExactly("rmmod chain_c\n");
    }

    @Test
    void dependenciesNobodyHoldsAreRemovedAfterTheModule() throws Exception {
        Stack state = new Stack();
        state.refcnt.put("chain_a", 0);
        state.refcnt.put("chain_b", 0);
        assertThat(remove(state, "chain_c", false)).isEmpty();
        assertThat(shown).containsExactly("rmmod chain_c\n", "rmmod chain_a\n", "rmmod chain_b\n");
    }

    @Test
    void rmmodRefusesWhileHeld() throws Exception {
        assertThat(remove(new Stack(), "chain_a", false)).contains(Errno.EBUSY);
        assertThat(log).containsExactly("Module chain_a is in use.\n");
        assertThat(shown).isEmpty();
    }

    @Test
    void removeHoldersStopsAtTheFirstHolderStillInUse() throws Exception {
        assertThat(remove(new Stack(), "chain_a", true)).contains(Errno.EBUSY);
        assertThat(log).containsExactly("Module chain_b is in use.\n");
    }

    /**
     * The holder goes first; its unused dependency, chain_a itself, is then shown once by the
     * holder's dependency pass and once more as the module asked for: a dry run changes no
     * refcount, and kmod's modprobe -r -n prints both.
     */
    @Test
    void removeHoldersTakesTheWholeStackTopFirst() throws Exception {
        Stack state = new Stack();
        state.refcnt.put("chain_b", 0);
        state.refcnt.put("chain_a", 0);
        assertThat(remove(state, "chain_a", true)).isEmpty();
        assertThat(shown).containsExactly("rmmod chain_b\n", "rmmod chain_a\n", "rmmod chain_a\n");
    }

    /** No modprobe.d, no modules.softdep, an empty kernel command line. */
    private static final ModprobeConfig NO_CONFIG = ModprobeConfig.load(
            List.of("/nonexistent"), Optional.empty(), Optional.of(""), message -> { });
}
