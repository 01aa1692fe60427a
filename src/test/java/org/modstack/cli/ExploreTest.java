package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modstack explore}: the page embeds everything it shows, and in Debian's chromium,
 * driven headless by playwright-core ({@code src/test/browser/explore-check.mjs}), a user finds
 * {@code stack_user} and sees {@code stack_core} under it. The screenshot is kept in
 * {@code target/explore/}.
 */
class ExploreTest {
    private static final Path BROWSER = Path.of("src/test/browser");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    private Path page(String... extra) throws IOException {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        Path html = Files.createDirectories(Path.of("target/explore")).resolve("sample.html").toAbsolutePath();
        List<String> args = new ArrayList<>(List.of("explore", "-b", root.toString(), "-k",
                SampleTree.RELEASE, "-o", html.toString()));
        args.addAll(List.of(extra));
        SampleTree.Run run = SampleTree.run(args.toArray(String[]::new));
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        return html;
    }

    @Test
    void explorePageIsSelfContainedAndEmbedsTheTreesData() throws IOException {
        String html = Files.readString(page(), StandardCharsets.UTF_8);
        assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContain("<link ").doesNotContain("/*DATA*/");
        JsonNode data = embedded(html);
        assertThat(data.get("modules").findValuesAsText("name")).contains("stack_user", "stack_core", "chain_c");
        assertThat(data.get("edges").toString()).contains("{\"from\":\"stack_user\",\"to\":\"stack_core\",\"kind\":\"hard\"}");
    }

    @Test
    void explorePageOfAVirtualKernelEmbedsItsTaintAndHolders() throws IOException {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        String kernel = "--kernel=" + tmp.resolve("kernel");
        assertThat(SampleTree.run("kernel", "boot", kernel, root.toString()).status()).isZero();
        assertThat(SampleTree.run("modprobe", kernel, "stack_user").status()).isZero();
        Path html = tmp.resolve("kernel.html");
        assertThat(SampleTree.run("explore", "-H", kernel, "-o", html.toString()).status()).isZero();
        JsonNode data = embedded(Files.readString(html, StandardCharsets.UTF_8));
        assertThat(data.get("kernel").get("taint").get("letters").asText()).isEqualTo("OE");
        assertThat(data.get("edges").toString()).contains("{\"from\":\"stack_user\",\"to\":\"stack_core\",\"kind\":\"holder\"}");
        List<String> modules = new ArrayList<>();
        data.get("modules").forEach(m -> modules.add(m.get("name").asText()));
        assertThat(modules).containsExactly("stack_user", "stack_core");
    }

    /** The data the page embeds, as JSON. */
    private static JsonNode embedded(String html) throws IOException {
        int from = html.indexOf("id=\"data\">") + "id=\"data\">".length();
        return JsonSchemas.MAPPER.readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    @Test
    void explorePageInHeadlessChromiumShowsStackCoreUnderStackUser() throws Exception {
        boolean ready = Files.isExecutable(CHROMIUM) && Files.isDirectory(BROWSER.resolve("node_modules/playwright-core"))
                && onPath("node");
        if (!ready && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("chromium, node or playwright-core missing: run scripts/setup.sh");
        }
        Assumptions.assumeTrue(ready, "chromium, node or playwright-core (src/test/browser) missing: run scripts/setup.sh");
        Path html = page();
        Path shot = html.resolveSibling("stack_user.png");
        Process node = new ProcessBuilder("node", "explore-check.mjs", html.toString(), shot.toString())
                .directory(BROWSER.toFile()).redirectErrorStream(true).start();
        boolean done = node.waitFor(120, TimeUnit.SECONDS);
        String said = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            node.destroyForcibly();
        }
        assertThat(done).as("the browser check finished").isTrue();
        assertThat(said).isEqualTo("ok\n");
        assertThat(node.exitValue()).isZero();
        assertThat(Files.size(shot)).isPositive();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
