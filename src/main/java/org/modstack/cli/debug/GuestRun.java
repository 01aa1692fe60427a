package org.modstack.cli.debug;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.cli.Main;
import org.modstack.kernel.KernelStore;
import org.modstack.modprobe.ModuleSyscalls;

/**
 * Runs a scenario's steps inside run-scenario's guest, in one JVM (a JVM start under TCG costs
 * seconds): kmod's tools are modstack's, run in-process on the running kernel; any other step
 * runs through the guest's shell, as run-scenario's own loop runs it. The transcript is the one
 * that loop writes, step by step.
 *
 * <p>With a snapshot point N, steps 1..N run through the shell with kmod's tools, then the running
 * system is snapshotted ({@code kernel boot --from-running}) and the remaining steps run on that
 * virtual kernel, as {@link ScenarioRun} runs them: the proof that the snapshot carries on as the
 * real kernel does.
 */
final class GuestRun {
    /** What busybox's dmesg puts before each line, as run-scenario strips it. */
    private static final Pattern TIME_PREFIX = Pattern.compile("(?m)^\\[ *[0-9]+\\.[0-9]+\\] ");
    private static final Path SCRATCH = Path.of("/tmp");

    private final Path cwd;
    private final int snapshotAfter;
    private final Path snapshot;
    private int virtualLogMark;

    /**
     * @param cwd the steps' working directory (the guest's {@code extra/})
     * @param snapshotAfter the number of steps kmod runs before the snapshot; negative: none
     * @param snapshot where the snapshot's virtual kernel goes
     */
    GuestRun(Path cwd, int snapshotAfter, Path snapshot) {
        this.cwd = cwd;
        this.snapshotAfter = snapshotAfter;
        this.snapshot = snapshot;
    }

    /** Runs the steps of {@code lines}, handing each step's framed block to {@code sink} as it ends. */
    void run(List<String> lines, StepSink sink) throws ErrnoException {
        int n = 0;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            n++;
            if (n == snapshotAfter + 1) {
                takeSnapshot();
            }
            sink.step(snapshotAfter >= 0 && n > snapshotAfter ? virtualStep(n, line) : liveStep(n, line));
        }
    }

    /**
     * Takes once each path a live step takes, in a JVM that waits for its scenario: under TCG the
     * first use of each (JNA's C library, a process start, the ELF and signature classes, the live
     * kernel's reads) costs seconds, which run-scenario's guest pays once before it is saved
     * instead of in the first step of every scenario restored from it. Nothing in the running
     * kernel changes: the tools' output goes nowhere, and delete_module of the empty name finds no
     * module (ENOENT, and no kernel log line).
     */
    static void warmUp(Path module) throws ErrnoException {
        OutputStream nowhere = OutputStream.nullOutputStream();
        Main.run(nowhere, nowhere, "modinfo", module.toString());
        Main.run(nowhere, nowhere, "lsmod");
        new GuestRun(Path.of("/"), -1, null).shell(List.of("/bin/true"), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
        try {
            ModuleSyscalls.libc().deleteModule("", ModuleSyscalls.O_NONBLOCK);
        } catch (ErrnoException expected) {
            // ENOENT: the call went through the C library, which is all that was wanted
        }
    }

    /** Receives each step's block. */
    interface StepSink {
        void step(String block);
    }

    private String liveStep(int n, String line) throws ErrnoException {
        List<String> words = Words.split(line);
        String cmd = words.isEmpty() ? "" : words.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        if (cmd.equals("dmesg-new")) {
            status = 0;
        } else if (snapshotAfter < 0 && ScenarioRun.KMOD_TOOLS.contains(cmd)) {
            status = Main.run(cwd, out, err, words.toArray(String[]::new));
        } else {
            String shellLine = ScenarioRun.KMOD_TOOLS.contains(cmd) ? "/sbin/" + line : line;
            status = shell(List.of("/bin/sh", "-c", shellLine), out, err);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        shell(List.of("/bin/dmesg", "-c"), log, new ByteArrayOutputStream());
        String kernelLog = TIME_PREFIX.matcher(log.toString(StandardCharsets.ISO_8859_1)).replaceAll("");
        return ScenarioRun.frame(n, line, status, text(out), text(err), kernelLog);
    }

    private String virtualStep(int n, String line) throws ErrnoException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ScenarioRun.step(Words.split(line), "--kernel=" + snapshot, cwd, out, err);
        List<String> log = virtualLog();
        String kernelLog = String.join("", log.subList(virtualLogMark, log.size()).stream().map(l -> l + "\n").toList());
        virtualLogMark = log.size();
        return ScenarioRun.frame(n, line, status, text(out), text(err), kernelLog);
    }

    private void takeSnapshot() throws ErrnoException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(cwd, new ByteArrayOutputStream(), err, "kernel", "boot", "--from-running", "--force",
                "--kernel=" + snapshot, "/");
        if (status != 0) {
            throw new ErrnoException(Errno.EINVAL, "snapshot failed: " + text(err).strip());
        }
        virtualLogMark = virtualLog().size();
    }

    private List<String> virtualLog() throws ErrnoException {
        try (KernelStore s = KernelStore.open(snapshot, KernelStore.Access.READ)) {
            return s.kernel().state().log();
        }
    }

    /** Runs a command as run-scenario's loop does: input from /dev/null, in the steps' directory. */
    private int shell(List<String> command, ByteArrayOutputStream out, ByteArrayOutputStream err)
            throws ErrnoException {
        Path o = SCRATCH.resolve("guest-run.out");
        Path e = SCRATCH.resolve("guest-run.err");
        try {
            Process p = new ProcessBuilder(command).directory(cwd.toFile())
                    .redirectInput(new File("/dev/null")).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
            int status = p.waitFor();
            out.writeBytes(Files.readAllBytes(o));
            err.writeBytes(Files.readAllBytes(e));
            return status;
        } catch (IOException ex) {
            throw ErrnoException.of(ex, command.get(0));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, command.get(0));
        }
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
