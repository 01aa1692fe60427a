package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.BootState;
import org.modstack.kernel.VirtualKernel;
import org.modstack.kernel.check.CheckKernel;
import org.modstack.kernel.check.StackCheck;
import org.modstack.kernel.check.StackModule;
import org.modstack.kernel.check.Verdict;

/**
 * Every real-kernel scenario oracle, seen through {@code modstack check}: each {@code insmod FILE}
 * step is a check of that module on the carried kernel in the state the scenario's earlier steps
 * left, and its verdict (loaded or not, errno) and kernel log lines must be the real kernel's.
 *
 * <p>{@code insmod FILE p=v...} is a check with {@code FILE.p=v} on the kernel command line (which
 * modprobe, and so a check, passes to the module). Not expressible as a check, and so only
 * replayed to keep the state (VirtualKernelScenarioTest compares them): {@code insmod -f} (a check
 * never forces), {@code insmod} with parameters a command line cannot give (bare names, empty
 * values, {@code --}), and {@code rmmod} (unloading). A {@code modprobe} step ends the cross-check of its scenario: what
 * modprobe loads depends on the tree's indexes, which a check does not use.
 */
class ScenarioCheckTest {
    private static final Pattern STEP = Pattern.compile(
            "(?ms)^=== step (\\d+): (.*?)\\n--- exit (\\d+)\\n--- stdout\\n.*?--- stderr\\n(.*?)--- kernel log\\n(.*?)(?====)");
    private static final Pattern INSMOD_ERROR = Pattern.compile("could not insert module \\S+: (.*)");

    record Oracle(int exit, String stderr, List<String> kernelLog) {
    }

    @TestFactory
    Stream<DynamicTest> everyInsmodStepOfEveryScenarioIsTheRealKernelsVerdict() {
        return Scenarios.all().stream().filter(s -> Files.exists(Scenarios.oracle(s)))
                .map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> crossCheck(s)));
    }

    private static void crossCheck(Path scenario) throws Exception {
        List<String> lines = Files.readAllLines(scenario, StandardCharsets.ISO_8859_1);
        Map<Integer, Oracle> oracle = oracle(Scenarios.oracle(scenario));
        try (CheckKernel kernel = CheckKernel.open("6.1", null, header(lines, "append")).get(0)) {
            BootState state = BootState.boot();
            VirtualKernel vk = new VirtualKernel(kernel.description(), state);
            for (String init : headers(lines, "init")) {
                vk.scriptInit(init.split(" ")[0], Integer.parseInt(init.split(" ")[1]));
            }
            int step = 0;
            for (String line : lines) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                step++;
                List<String> words = List.of(line.trim().split("\\s+"));
                if (words.get(0).equals("modprobe")) {
                    return;  // see the class comment
                } else if (words.get(0).equals("insmod") && words.size() == 2) {
                    compare(scenario, step, words.get(1), kernel, state, oracle.get(step));
                } else if (words.get(0).equals("insmod") && plainParameters(words)) {
                    try (CheckKernel withParams = kernel.withCmdline(header(lines, "append") + " "
                            + moduleParameters(words))) {
                        compare(scenario, step, words.get(1), withParams, state, oracle.get(step));
                    }
                } else if (words.get(0).equals("insmod")) {
                    replayInsmod(vk, words);
                } else if (words.get(0).equals("rmmod")) {
                    replayRmmod(vk, words);
                }
            }
        }
    }

    private static void compare(Path scenario, int step, String file, CheckKernel kernel, BootState state,
                                Oracle expected) {
        List<StackModule> stack = StackModule.read(List.of(Scenarios.FIXTURES.resolve(file)), (p, e) -> {
            throw new AssertionError(p + ": " + e);
        });
        Verdict v = StackCheck.run(stack, kernel, state).get(0);
        String where = scenario.getFileName() + " step " + step + " (insmod " + file + ")";
        assertThat(v.outcome().loaded()).as(where + ": loads").isEqualTo(expected.exit() == 0);
        assertThat(v.kernelLog()).as(where + ": kernel log").isEqualTo(expected.kernelLog());
        if (expected.exit() != 0) {
            assertThat(kmodWords(Errno.valueOf(v.errno()))).as(where + ": errno")
                    .isEqualTo(insmodError(expected.stderr()));
            assertThat(v.findings()).as(where + ": findings").isNotEmpty();
        }
    }

    /** {@code insmod FILE p=v...}: each parameter with a value, as a kernel command line can give it. */
    private static boolean plainParameters(List<String> words) {
        return words.size() > 2 && !words.get(1).startsWith("-")
                && words.subList(2, words.size()).stream().allMatch(w -> w.matches("[a-z_]+=[^\"]+"));
    }

    /** The parameters as modprobe takes them from the kernel command line: {@code module.param=value}. */
    private static String moduleParameters(List<String> words) {
        String module = words.get(1).replace(".ko", "");
        return String.join(" ", words.subList(2, words.size()).stream().map(w -> module + "." + w).toList());
    }

    /** insmod's wording of an errno (kmod's mod_strerror), the one the oracle's stderr shows. */
    private static String kmodWords(Errno e) {
        return switch (e) {
            case ENOEXEC -> "Invalid module format";
            case ENOENT -> "Unknown symbol in module";
            case EINVAL -> "Invalid parameters";
            default -> e.message();
        };
    }

    private static String insmodError(String stderr) {
        Matcher m = INSMOD_ERROR.matcher(stderr);
        if (!m.find()) {
            throw new AssertionError("no insmod error in: " + stderr);
        }
        return m.group(1).strip();
    }

    private static void replayInsmod(VirtualKernel vk, List<String> words) {
        boolean force = words.get(1).equals("-f");
        String file = words.get(force ? 2 : 1);
        String params = String.join(" ", words.subList(force ? 3 : 2, words.size()));
        try {
            vk.finitModule(Scenarios.FIXTURES.resolve(file), params,
                    force ? VirtualKernel.IGNORE_MODVERSIONS | VirtualKernel.IGNORE_VERMAGIC : 0);
        } catch (ErrnoException e) {
            // refused as on the real kernel: the state is what the refusal left
        }
    }

    private static void replayRmmod(VirtualKernel vk, List<String> words) {
        boolean force = words.get(1).equals("-f");
        for (String name : words.subList(force ? 2 : 1, words.size())) {
            try {
                vk.deleteModule(name.replace(".ko", ""), VirtualKernel.O_NONBLOCK | (force ? VirtualKernel.O_TRUNC : 0));
            } catch (ErrnoException e) {
                return;  // rmmod stops at the first name it cannot remove
            }
        }
    }

    private static Map<Integer, Oracle> oracle(Path file) throws IOException {
        Map<Integer, Oracle> out = new TreeMap<>();
        Matcher m = STEP.matcher(Files.readString(file, StandardCharsets.ISO_8859_1).replace("\r", ""));
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), new Oracle(Integer.parseInt(m.group(3)), m.group(4),
                    m.group(5).lines().toList()));
        }
        return out;
    }

    private static String header(List<String> lines, String key) {
        return String.join(" ", headers(lines, key));
    }

    private static List<String> headers(List<String> lines, String key) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("#! " + key + " ")) {
                out.add(l.substring(("#! " + key + " ").length()).strip());
            }
        }
        return out;
    }
}
