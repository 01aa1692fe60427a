package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;

/** {@code modstack check} on the sample modules and the carried 6.1 kernel they were built for (named: -k 6.1). */
class CheckToolTest {
    private static final Path MODULES = Path.of("src/test/resources/modules");
    private static final String K = Fixtures.KERNEL_6_1.release();

    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    /** {@code check ARGS}, on 6.1 ({@code -k 6.1}) unless ARGS name a target. */
    private static Run check(String... args) {
        List<String> all = new ArrayList<>(List.of("check"));
        if (Stream.of(args).noneMatch(a -> a.equals("-k") || a.startsWith("--kernel="))) {
            all.addAll(List.of("-k", "6.1"));
        }
        for (String a : args) {
            all.add(a.endsWith(".ko") && !a.contains("/") ? MODULES.resolve(a).toString() : a);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(out, err, all.toArray(String[]::new));
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    private static JsonNode result(Run r, String module) throws Exception {
        for (JsonNode n : r.json().get("results")) {
            if (n.get("module").asText().equals(module)) {
                return n;
            }
        }
        throw new AssertionError(module + " not in " + r.out());
    }

    @Test
    void withoutATargetTheKernelIsDebiansCurrentStable612() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(out, new ByteArrayOutputStream(), "check", Fixtures.module("6.12", "stack_core").toString());
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).startsWith("MODULE      "
                + Fixtures.KERNEL_6_12.release() + "\nstack_core  1: loads, taints OE\n");
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        Main.run(help, new ByteArrayOutputStream(), "check", "--help");
        assertThat(help.toString(StandardCharsets.ISO_8859_1)).contains("repeatable; default: 6.12\n");
    }

    @Test
    void stackLoadsInDependencyOrderWhateverTheCommandLineOrder() throws Exception {
        Run r = check("--json", "stack_user.ko", "stack_core.ko");
        assertThat(r.status()).isZero();
        assertThat(result(r, "stack_user").get("verdict").asText()).isEqualTo("taints");
        assertThat(result(r, "stack_user").get("taints").asText()).isEqualTo("OE");
        assertThat(result(r, "stack_core").get("kernelLog").toString())
                .contains("stack_core: loading out-of-tree module taints kernel.");
    }

    @Test
    void tableHasKernelsAsColumnsAndModulesAsRowsWithTheirLoadOrder() {
        Run r = check("stack_user.ko", "stack_core.ko");
        assertThat(r.out()).startsWith("MODULE      " + K + "\nstack_user  2: loads, taints OE\n"
                + "stack_core  1: loads, taints OE\n");
        assertThat(r.out()).contains("Taints:\n  E: not signed with a key the kernel trusts\n");
    }

    @Test
    void gplOnlySymbolInProprietaryModuleNamesExporterAndLicence() throws Exception {
        Run r = check("--json", "stack_core.ko", "stack_prop.ko");
        assertThat(r.status()).isEqualTo(1);
        JsonNode prop = result(r, "stack_prop");
        assertThat(prop.get("verdict").asText()).isEqualTo("refused");
        assertThat(prop.get("errno").get("name").asText()).isEqualTo("ENOENT");
        assertThat(prop.get("kernelLog").toString()).contains("stack_prop: Unknown symbol stack_exp_int (err -2)");
        JsonNode f = prop.get("findings").get(0);
        assertThat(f.get("kind").asText()).isEqualTo("gpl-only-symbol");
        assertThat(f.get("explanation").asText())
                .isEqualTo("stack_exp_int is exported GPL-only (by stack_core) and the module's licence 'Proprietary'"
                        + " is not GPL-compatible");
    }

    @Test
    void missingNamespaceImportSaysWhichNamespaceToImport() {
        Run r = check("stack_core.ko", "stack_nons.ko");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("stack_nons on " + K + ": refused (EINVAL, err -22: Invalid argument)\n"
                + "  kernel: stack_nons: module uses symbol (stack_get_skey) from namespace STACK_NS, but does not"
                + " import it.\n"
                + "  kernel: stack_nons: Unknown symbol stack_get_skey (err -22)\n"
                + "  why:    stack_get_skey is exported in namespace STACK_NS, which the module does not import\n"
                + "  fix:    add MODULE_IMPORT_NS(STACK_NS); to the module's source\n");
    }

    @Test
    void unknownSymbolNamesTheDependencyMissingFromTheStack() throws Exception {
        JsonNode f = result(check("--json", "stack_user.ko"), "stack_user").get("findings").get(0);
        assertThat(f.get("kind").asText()).isEqualTo("unknown-symbol");
        assertThat(f.get("explanation").asText()).startsWith("nothing on " + K + " exports stack_exp_int")
                .endsWith("the module was built with stack_core (its depends=), which is neither in the stack nor in "
                        + K);
        assertThat(f.get("fix").asText()).isEqualTo("add stack_core to the stack");
    }

    @Test
    void parameterFromTheCommandLineIsPassedAsModprobeWouldAndABadOneExplained() throws Exception {
        Run good = check("--json", "--cmdline=stack_params.mp_uint=3", "stack_params.ko");
        assertThat(good.status()).isZero();
        Run bad = check("--json", "--cmdline=stack_params.mp_byte=256", "stack_params.ko");
        JsonNode v = result(bad, "stack_params");
        assertThat(v.get("errno").get("name").asText()).isEqualTo("ERANGE");
        assertThat(v.get("kernelLog").toString()).contains("stack_params: `256' invalid for parameter `mp_byte'");
        assertThat(v.get("findings").get(0).get("kind").asText()).isEqualTo("bad-parameter");
    }

    @Test
    void crcMismatchNamesTheSymbolAndBothCrcs() throws Exception {
        JsonNode f = result(check("--json", "stack_core.ko", "stack_badcrc.ko"), "stack_badcrc").get("findings").get(0);
        assertThat(f.get("kind").asText()).isEqualTo("modversions-crc-mismatch");
        assertThat(f.get("symbol").asText()).isEqualTo("stack_sysinfo");
        assertThat(f.get("explanation").asText()).matches(".*its CRC for stack_sysinfo is 0x[0-9a-f]{8}, the kernel's"
                + " is 0x[0-9a-f]{8}");
    }

    @Test
    void vermagicMismatchQuotesBothStrings() throws Exception {
        JsonNode f = result(check("--json", "stack_badmagic.ko"), "stack_badmagic").get("findings").get(0);
        assertThat(f.get("kind").asText()).isEqualTo("vermagic-mismatch");
        // the fixture is built for another release without modversions, so the release counts
        assertThat(f.get("explanation").asText()).matches("the module was built for '\\S+ SMP preempt mod_unload ',"
                + " the kernel is '" + K + " SMP preempt mod_unload modversions '");
    }

    @Test
    void wrongArchitectureAndDuplicateExportAreExplained() throws Exception {
        Run r = check("--json", "stack_arm.ko", "stack_core.ko", "stack_dup.ko");
        assertThat(result(r, "stack_arm").get("findings").get(0).get("kind").asText()).isEqualTo("bad-elf");
        JsonNode dup = result(r, "stack_dup").get("findings").get(0);
        assertThat(dup.get("kind").asText()).isEqualTo("duplicate-export");
        assertThat(dup.get("explanation").asText()).isEqualTo("stack_sysinfo is already exported by stack_core");
    }

    @Test
    void moduleOnTopOfARefusedOneIsReportedAsDependencyRefused() throws Exception {
        Run r = check("--json", "--cmdline=module_blacklist=chain_a", "chain_a.ko", "chain_b.ko", "chain_c.ko");
        assertThat(r.status()).isEqualTo(1);
        assertThat(result(r, "chain_a").get("findings").get(0).get("kind").asText()).isEqualTo("blacklisted");
        JsonNode b = result(r, "chain_b");
        assertThat(b.get("verdict").asText()).isEqualTo("dependency-refused");
        assertThat(b.get("findings").get(0).get("explanation").asText()).startsWith("needs ").contains("from chain_a");
        assertThat(b.get("kernelLog")).isEmpty();
        assertThat(b.get("loadOrder").isNull()).isTrue();
        assertThat(result(r, "chain_c").get("findings").get(0).get("explanation").asText()).contains("from chain_b");
    }

    @Test
    void badInputIsOneLineEachAndTheRestIsStillChecked() throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "not a module\n");
        Run r = check("--json", "-k", "6.1", "-k", "linux-9.9", tmp.resolve("missing.ko").toString(),
                tmp.resolve("notes.txt").toString(), "stack_core.ko", "stack_notelf.ko");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(3).allMatch(l -> l.startsWith("check: ERROR: "));
        assertThat(r.err()).contains("missing.ko: No such file or directory").contains("unknown kernel 'linux-9.9'")
                .contains("notes.txt: not a kernel module");
        assertThat(result(r, "stack_core").get("verdict").asText()).isEqualTo("taints");
        assertThat(result(r, "stack_notelf").get("findings").get(0).get("kind").asText()).isEqualTo("bad-elf");
        assertThat(r.json().get("inputErrors")).hasSize(3);
    }

    @Test
    void jsonFollowsTheDocumentedSchemaWhateverTheVerdicts() {
        Run r = check("--json", "--cmdline=module_blacklist=chain_a", "stack_core.ko", "stack_user.ko", "stack_prop.ko",
                "stack_nons.ko", "stack_badcrc.ko", "stack_arm.ko", "chain_a.ko", "chain_b.ko", "-k", "nope",
                "-k", "all", tmp.resolve("missing.ko").toString());
        JsonSchemas.assertValid("check", r.out());
    }

    @Test
    void virtualKernelTargetStartsFromItsLoadedModulesAndIsLeftAsItWas() throws Exception {
        String dir = "--kernel=" + tmp.resolve("vk");
        assertThat(Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "kernel", "boot", "--release=6.1",
                dir)).isZero();
        assertThat(Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "insmod", dir,
                MODULES.resolve("stack_core.ko").toString())).isZero();
        Run r = check("--json", dir, "stack_user.ko", "stack_dup.ko");
        assertThat(r.json().get("kernels").get(0).asText()).isEqualTo(K + " (virtual)");
        assertThat(result(r, "stack_user").get("verdict").asText()).isEqualTo("taints");
        assertThat(result(r, "stack_dup").get("findings").get(0).get("explanation").asText())
                .isEqualTo("stack_sysinfo is already exported by stack_core");
        ByteArrayOutputStream lsmod = new ByteArrayOutputStream();
        Main.run(lsmod, new ByteArrayOutputStream(), "lsmod", dir);
        assertThat(lsmod.toString(StandardCharsets.ISO_8859_1)).isEqualTo(
                "Module                  Size  Used by\nstack_core             16384  0\n");
    }

    @Test
    void badOptionAndNoModuleAreUsageErrors() {
        assertThat(check("--frobnicate", "stack_core.ko").status()).isEqualTo(2);
        assertThat(check().status()).isEqualTo(2);
    }

    @Test
    void directoriesAreSearchedForModuleFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("stack/sub"));
        Files.copy(MODULES.resolve("stack_core.ko"), tmp.resolve("stack/stack_core.ko"));
        Files.copy(MODULES.resolve("stack_user.ko"), dir.resolve("stack_user.ko"));
        Files.writeString(tmp.resolve("stack/README"), "not a module");
        Run r = check("--json", tmp.resolve("stack").toString());
        assertThat(r.status()).isZero();
        assertThat(r.json().get("results")).hasSize(2);
    }

    @Test
    void sarifHasOneErrorResultPerRefusalWithItsRule() throws Exception {
        Run r = check("--sarif", "stack_core.ko", "stack_nons.ko");
        JsonNode sarif = r.json();
        assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
        JsonNode run = sarif.get("runs").get(0);
        assertThat(run.get("tool").get("driver").get("name").asText()).isEqualTo("modstack check");
        List<String> errors = new ArrayList<>();
        run.get("results").forEach(x -> {
            if (x.get("level").asText().equals("error")) {
                errors.add(x.get("ruleId").asText() + " " + x.get("locations").get(0).get("physicalLocation")
                        .get("artifactLocation").get("uri").asText());
            }
        });
        assertThat(errors).containsExactly("missing-namespace-import " + MODULES.resolve("stack_nons.ko"));
    }
}
