package org.modstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example, taken from the README itself, compiles against the library with
 * every public package imported whole (so no type name clashes with {@code java.lang}) and runs.
 */
class ReadmeExampleTest {
    private static final List<String> PACKAGES = List.of("org.modstack", "org.modstack.elf", "org.modstack.module",
            "org.modstack.index", "org.modstack.depmod", "org.modstack.modprobe", "org.modstack.kernel");

    @Test
    void readmeExampleCompilesAndRuns(@TempDir Path tmp) throws Exception {
        String example = example(Files.readString(Path.of("README.md")));
        StringBuilder source = new StringBuilder("import java.nio.file.*;\nimport java.util.*;\n");
        PACKAGES.forEach(p -> source.append("import ").append(p).append(".*;\n"));
        source.append("public class Example {\n    public static void run() throws Exception {\n")
                .append(example).append("\n    }\n}\n");
        Path file = Files.writeString(tmp.resolve("Example.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, "-d", tmp.toString(),
                "-cp", System.getProperty("java.class.path"), file.toString());
        assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass("Example").getMethod("run").invoke(null);
        } finally {
            System.setOut(stdout);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .isEqualTo("stack_exp_int (GPL)\nstack_sysinfo\nstack_get_skey ns STACK_NS\n");
    }

    private static String example(String readme) {
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("a ```java block in README.md").isTrue();
        return m.group(1);
    }
}
