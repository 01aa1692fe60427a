package org.modstack.cli.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.cli.Main;

/** The harness command's arguments: given at start, or later as one line (--from). */
class GuestScenarioToolTest {
    @Test
    void fromReadsTheRestOfTheCommandLineAsOneLine(@TempDir Path dir) throws IOException {
        Path fifo = dir.resolve("next");
        Files.writeString(fifo, "--snapshot-after=two " + dir.resolve("scenario") + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Main.run(out, err, "kernel", "guest-scenario", "--from=" + fifo);

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("kernel: --snapshot-after needs a number of steps");
    }

    @Test
    void warmUpPrintsNothingAndThenWaitsForTheArguments(@TempDir Path dir) throws IOException {
        Path fifo = dir.resolve("next");
        Files.writeString(fifo, "--snapshot-after=two " + dir.resolve("scenario") + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Main.run(out, err, "kernel", "guest-scenario",
                "--warm-up=src/test/resources/signed/gen/6.12/stack_core.ko", "--from=" + fifo);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("kernel: --snapshot-after needs a number of steps");
    }
}
