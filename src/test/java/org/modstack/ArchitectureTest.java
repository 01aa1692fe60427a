package org.modstack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The library's package graph: one direction, from the ELF reader up to the tools. A new import
 * against the grain (or a cycle) fails here, whether written as an import or as an inline
 * qualified name, since ArchUnit reads the compiled classes.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.modstack");

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.modstack.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void packagesImportOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("errno").definedBy("org.modstack")
                .layer("util").definedBy("org.modstack.util..")
                .layer("elf").definedBy("org.modstack.elf..")
                .layer("module").definedBy("org.modstack.module..")
                .layer("index").definedBy("org.modstack.index..")
                .layer("depmod").definedBy("org.modstack.depmod..")
                .layer("modprobe").definedBy("org.modstack.modprobe..")
                .layer("kernel").definedBy("org.modstack.kernel..")
                .layer("cli").definedBy("org.modstack.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("kernel").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("modprobe").mayOnlyBeAccessedByLayers("kernel", "cli")
                .whereLayer("depmod").mayOnlyBeAccessedByLayers("kernel", "cli")
                .whereLayer("index").mayOnlyBeAccessedByLayers("depmod", "modprobe", "kernel", "cli")
                .whereLayer("module").mayOnlyBeAccessedByLayers("index", "depmod", "modprobe", "kernel", "cli")
                .whereLayer("elf").mayOnlyBeAccessedByLayers("module", "index", "depmod", "modprobe", "kernel", "cli")
                .check(MAIN);
    }

    /** The harness's commands sit apart, as JGit's pgm/debug: no user command depends on them. */
    @Test
    void toolsDoNotDependOnTheHarness() {
        noClasses().that().resideInAPackage("org.modstack.cli")
                .should().dependOnClassesThat().resideInAPackage("org.modstack.cli.debug..")
                .check(MAIN);
    }

    /**
     * One error shape: a failure is an {@link ErrnoException}. No library method hands back an
     * errno as its result (an {@code Optional<Errno>}, an {@code Errno} meaning failure), and none
     * turns one into a number but to print the kernel's {@code (err -N)} log line.
     */
    @Test
    void libraryReportsFailuresOnlyAsErrnoException() {
        for (JavaClass c : MAIN) {
            if (c.getPackageName().startsWith("org.modstack.cli") || c.isEquivalentTo(Errno.class)
                    || c.isEquivalentTo(ErrnoException.class)) {
                continue;
            }
            for (JavaMethod m : c.getMethods()) {
                assertThat(m.reflect().getGenericReturnType().getTypeName())
                        .as("%s returns an errno instead of throwing ErrnoException", m.getFullName())
                        .doesNotContainPattern("org\\.modstack\\.Errno(?!Exception)");
            }
        }
        noClasses().that().resideOutsideOfPackage("org.modstack.cli..")
                .and().doNotHaveFullyQualifiedName("org.modstack.kernel.ModuleLoad")
                .should().callMethod(Errno.class, "number")
                .because("a negative errno as a return value is libkmod's C shape; the library throws ErrnoException")
                .check(MAIN);
    }

    @Test
    void libraryNeverPrintsNorExits() {
        noClasses().that().resideOutsideOfPackage("org.modstack.cli..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(Runtime.class, "halt", int.class)
                .check(MAIN);
    }
}
