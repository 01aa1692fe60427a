package org.modstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Short classes and short methods: no source file of {@code src/main} over 450 lines, no method
 * over 60 lines of code (read from the compiled line tables), except a method marked
 * {@code @Mirrors}, which follows an upstream function step for step.
 */
class CodeShapeTest {
    private static final int MAX_FILE_LINES = 450;
    private static final int MAX_METHOD_LINES = 60;
    private static final String MIRRORS = "Lorg/modstack/util/Mirrors;";

    @Test
    void noSourceFileIsLong() throws IOException {
        List<String> longFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                long lines = Files.readAllLines(f).size();
                if (lines > MAX_FILE_LINES) {
                    longFiles.add(f + ": " + lines + " lines");
                }
            }
        }
        assertThat(longFiles).isEmpty();
    }

    @Test
    void noMethodIsLongUnlessItMirrorsUpstream() throws IOException {
        List<String> longMethods = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("target/classes/org/modstack"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    new ClassReader(in).accept(new Lengths(longMethods), ClassReader.SKIP_FRAMES);
                }
            }
        }
        assertThat(longMethods).isEmpty();
    }

    /** Collects the methods whose code spans more lines than allowed. */
    private static final class Lengths extends ClassVisitor {
        private final List<String> longMethods;
        private String className;

        Lengths(List<String> longMethods) {
            super(Opcodes.ASM9);
            this.longMethods = longMethods;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            className = name;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private int first = Integer.MAX_VALUE;
                private int last = Integer.MIN_VALUE;
                private boolean mirrors;

                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    mirrors |= annotation.equals(MIRRORS);
                    return null;
                }

                @Override
                public void visitLineNumber(int line, Label start) {
                    first = Math.min(first, line);
                    last = Math.max(last, line);
                }

                @Override
                public void visitEnd() {
                    int span = last - first + 1;
                    // lambdas are compiled into their own methods and counted apart from their host;
                    // a static initializer gathers field initializers from all over the class
                    if (span > MAX_METHOD_LINES && !mirrors && !name.equals("<clinit>")) {
                        longMethods.add(className + "." + name + ": " + span + " lines");
                    }
                }
            };
        }
    }
}
