package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completion scripts and manual pages, made from the option tables, work in the real programs. */
class ShellSupportTest {
    @TempDir
    Path tmp;

    private static String modstack(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(out, OutputStream.nullOutputStream(), args)).as(String.join(" ", args)).isZero();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Runs a program; its stdout then stderr, and the exit status last. */
    private static String exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return out + "exit " + p.waitFor();
    }

    private static boolean installed(String program) {
        return List.of("/usr/bin/", "/bin/").stream().anyMatch(d -> Files.isExecutable(Path.of(d + program)));
    }

    private static void require(String program) {
        if (!installed(program)) {
            assertThat("true".equals(System.getenv("CI"))).as(program + " is missing (scripts/setup.sh installs it)").isFalse();
            assumeThat(false).as(program + " is not installed: apt-get install " + program).isTrue();
        }
    }

    @Test
    void bashCompletesModprobesLongOptionsAndKernelSubcommands() throws Exception {
        Path script = Files.writeString(tmp.resolve("modstack.bash"), modstack("completion", "bash"));
        String answer = exec("bash", "-c", "source " + script + "; complete(){ :; }; "
                + "COMP_WORDS=(modstack modprobe --sh); COMP_CWORD=2; _modstack; echo \"${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(modstack kernel b); COMP_CWORD=2; _modstack; echo \"${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(modstack kernel boot --cm); COMP_CWORD=3; _modstack; echo \"${COMPREPLY[*]}\"");
        assertThat(answer).isEqualTo("--show-depends --showconfig --show-config --show-modversions --show-exports --show\n"
                + "boot\n--cmdline=\nexit 0");
    }

    @Test
    void zshAndFishScriptsParse() throws Exception {
        for (String shell : List.of("zsh", "fish")) {
            if (installed(shell)) {
                Path script = Files.writeString(tmp.resolve("modstack." + shell), modstack("completion", shell));
                assertThat(exec(shell, "-n", script.toString())).as(shell).isEqualTo("exit 0");
            }
        }
        assertThat(modstack("completion", "fish")).contains("-l show-depends");
        assertThat(modstack("completion", "zsh")).contains("--show-depends");
    }

    @Test
    void manRendersEveryToolsPageWithoutWarnings() throws Exception {
        require("man");
        List<String> pages = new ArrayList<>(List.of(""));
        pages.addAll(ToolTable.TOOLS.keySet());
        for (String tool : pages) {
            Path page = Files.writeString(tmp.resolve("page.8"),
                    tool.isEmpty() ? modstack("man") : modstack("man", tool));
            String shown = exec("env", "MANWIDTH=100", "MAN_KEEP_FORMATTING=0", "man", "--warnings", "-l", page.toString());
            assertThat(shown).as(tool).startsWith(tool.isEmpty() ? "MODSTACK(8)" : "MODSTACK-" + tool.toUpperCase(java.util.Locale.ROOT) + "(8)")
                    .endsWith("exit 0").doesNotContain("warning:");
            if (!tool.isEmpty() && !tool.equals("kernel")) {
                for (Getopt.Spec spec : ToolTable.optionTables().getOrDefault(tool, List.of())) {
                    assertThat(shown).as(tool).contains(spec.longName() != null ? "--" + spec.longName() : "-" + spec.shortName());
                }
            }
        }
    }

}
