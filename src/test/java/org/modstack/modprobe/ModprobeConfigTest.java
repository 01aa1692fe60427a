package org.modstack.modprobe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modstack.Fixtures;
import org.modstack.index.KmodVersion;
import org.modstack.modprobe.ModprobeConfig.Alias;
import org.modstack.modprobe.ModprobeConfig.Options;
import org.modstack.modprobe.ModprobeConfig.Softdep;
import org.modstack.modprobe.ModprobeConfig.Weakdep;
import org.modstack.util.ConfigLines;
import org.modstack.util.WorkingDirectory;

/**
 * modprobe's configuration on the fixture files of {@code src/test/resources/config}. The
 * expected {@code modprobe -c} texts under {@code config/expected} were written by the real
 * kmod 30 and kmod 34 ({@code modprobe -c -C <config>/rich -C <config>/override/ -d <root> -S
 * 1.0}, the module directory holding {@code config/moddir}'s files and /proc/cmdline
 * bind-mounted over an empty file), with the paths replaced by {@code @CONFIG@} and
 * {@code @MODDIR@}; ModprobeConfigConformanceTest runs the binaries themselves.
 */
class ModprobeConfigTest {
    private static final Path CONFIG = Fixtures.resource("config");
    private static final String RICH = CONFIG.resolve("rich").toString();
    private static final String OVERRIDE = CONFIG.resolve("override").toString();
    private static final String MODDIR = CONFIG.resolve("moddir").toString();

    @TempDir
    Path tmp;

    private final List<String> messages = new ArrayList<>();

    private ModprobeConfig load(KmodVersion version, List<String> paths, Optional<String> moduleDir, String cmdline) {
        messages.clear();
        return ModprobeConfig.load(paths, moduleDir, Optional.of(cmdline), version, messages::add);
    }

    private ModprobeConfig rich(KmodVersion version) {
        return load(version, List.of(RICH, OVERRIDE + "/"), Optional.of(MODDIR), "");
    }

    private static String expected(String name) throws IOException {
        return new String(Files.readAllBytes(CONFIG.resolve("expected").resolve(name)), StandardCharsets.ISO_8859_1)
                .replace("@CONFIG@", CONFIG.toString()).replace("@MODDIR@", MODDIR);
    }

    private Path file(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, text.getBytes(StandardCharsets.ISO_8859_1));
        return p;
    }

    @ParameterizedTest
    @EnumSource(KmodVersion.class)
    void dumpAndMessagesAreWhatKmodPrinted(KmodVersion version) throws IOException {
        String v = version == KmodVersion.KMOD30 ? "30" : "34";
        ModprobeConfig c = rich(version);
        assertThat(c.dump()).isEqualTo(expected("rich.kmod" + v + ".out"));
        assertThat(String.join("", messages)).isEqualTo(expected("rich.kmod" + v + ".err"));
    }

    @Test
    void aliasesGetTheDashRuleOutsideBracketsAndKeepTheirOrder() {
        ModprobeConfig c = rich(KmodVersion.KMOD30);
        assertThat(c.aliases()).startsWith(new Alias("first_file", "first"), new Alias("my_alias", "real_module"),
                new Alias("pci:v00008086d*sv*sd*bc02sc00i*", "e1000_e"),
                new Alias("usb:v1234p[0-9a-f]*_x*", "usb_thing"), new Alias("sym_[a-c]_z", "other_mod"),
                new Alias("spaced", "tabbed"));
        assertThat(c.aliasesMatching("dup")).containsExactly(new Alias("dup", "first_target"),
                new Alias("dup", "second_target"));
        assertThat(c.aliasesMatching("sym_b_z")).containsExactly(new Alias("sym_[a-c]_z", "other_mod"));
        assertThat(c.aliasesMatching("usb:v1234pf_x1")).extracting(Alias::module).containsExactly("usb_thing");
        // CR is no separator: the module name keeps it
        assertThat(c.aliases()).contains(new Alias("crlf_alias", "target\r"));
        // kmod 30 also reads *.alias files; kmod 34 does not
        assertThat(c.aliasesMatching("legacy_alias")).hasSize(1);
        assertThat(rich(KmodVersion.KMOD34).aliasesMatching("legacy_alias")).isEmpty();
    }

    @Test
    void blacklistIsExactAndKeepsDuplicates() {
        ModprobeConfig c = rich(KmodVersion.KMOD30);
        assertThat(c.blacklist()).containsExactly("evil_mod", "another_one", "evil_mod");
        assertThat(c.isBlacklisted("evil-mod")).isTrue();
        assertThat(c.isBlacklisted("evil_mod")).isTrue();
        assertThat(c.isBlacklisted("evil")).isFalse();
    }

    @Test
    void optionsOfSeveralLinesAreJoinedAsWritten() {
        ModprobeConfig c = rich(KmodVersion.KMOD30);
        assertThat(c.options("snd-hda-intel")).isEqualTo("model=auto index=0 power_save=1 enable_msi=1");
        assertThat(c.options("lead_blanks")).isEqualTo("  a=1 b=2  ");
        assertThat(c.options("cont")).isEqualTo("   x=1 y=2");  // continuation lines joined, blanks kept
        assertThat(c.options("withtab")).isEqualTo("v=1 w=2");    // tabs become spaces
        assertThat(c.options("trailing_one")).isEqualTo(" ");
        assertThat(c.options("none")).isEmpty();
        // a name from options is kept whole, dots included
        assertThat(c.options()).contains(new Options("dots.in.name", "p=1"));
        // options given for the alias a module was found by count too, in file order
        assertThat(c.options("real_module", "my_alias")).isEqualTo("from_alias=1 direct=1");
        assertThat(c.options("real_module")).isEqualTo("direct=1");
        // the last line of a file without a final newline counts; kmod 30 keeps a final backslash as 0xff
        assertThat(c.options("no_newline_at_end")).isEqualTo("q=1");
        assertThat(c.options("eof_mod")).isEqualTo("a=1\u00ff");
        assertThat(rich(KmodVersion.KMOD34).options("eof_mod")).isEqualTo("a=1");
    }

    @Test
    void installAndRemoveTakeTheFirstMatchingPattern() {
        ModprobeConfig c = rich(KmodVersion.KMOD30);
        assertThat(c.installCommand("real-module")).contains("/bin/true");
        assertThat(c.installCommand("net_pf_10")).contains("/sbin/modprobe --ignore-install net-pf $CMDLINE_OPTS;\techo tab");
        assertThat(c.installCommand("other")).isEmpty();
        assertThat(c.removeCommand("real_module")).contains("/sbin/rmmod real_module");
        assertThat(c.removeCommand("patb_x")).contains(" cleanup --all ");
        assertThat(c.installCommands()).hasSize(3);
    }

    @Test
    void theFirstSoftdepForAModuleWinsAndModulesSoftdepSortsAmongTheFiles() {
        ModprobeConfig c = rich(KmodVersion.KMOD30);
        // modules.softdep sorts between commands.conf and softdeps.conf
        assertThat(c.softdep("sd-a")).contains(new Softdep("sd_a", List.of("from-index"), List.of()));
        assertThat(c.softdep("mod_from_index")).contains(new Softdep("mod_from_index", List.of("dep-x"), List.of()));
        assertThat(c.softdeps()).extracting(Softdep::module).startsWith("mod_from_index", "sd_a", "mod_from_index",
                "sd_a", "sd_a");
        assertThat(c.softdep("sd_c")).contains(new Softdep("sd_c", List.of("a", "c"), List.of("b", "d")));
        assertThat(c.softdep("sd_d")).contains(new Softdep("sd_d", List.of("x"), List.of()));
        assertThat(c.softdep("sd_e")).contains(new Softdep("sd_e", List.of(), List.of()));
        assertThat(c.softdep("sd_i")).contains(new Softdep("sd_i", List.of("tab-sep"), List.of("t2")));
        // a pattern matches any name it fits, after the lines before it
        assertThat(c.softdep("sd_zzz")).contains(new Softdep("sd_*", List.of(), List.of("pattern-post")));
        assertThat(c.softdep("nothing")).isEmpty();
        // without a module directory there is no modules.softdep
        ModprobeConfig noDir = load(KmodVersion.KMOD30, List.of(RICH), Optional.empty(), "");
        assertThat(noDir.softdep("sd_a")).contains(new Softdep("sd_a", List.of("p-1", "p2"), List.of("q1")));
    }

    @Test
    void weakdepsExistFromKmod34Only() {
        ModprobeConfig c30 = rich(KmodVersion.KMOD30);
        assertThat(c30.weakdepLines()).isEmpty();
        assertThat(c30.weakdeps("wd_a")).isEmpty();
        ModprobeConfig c34 = rich(KmodVersion.KMOD34);
        assertThat(c34.weakdeps("wd-a")).containsExactly("from-index");
        assertThat(c34.weakdepLines()).containsExactly(new Weakdep("wd_a", List.of("from-index")),
                new Weakdep("wd_a", List.of("w1", "w-2")), new Weakdep("wd_b", List.of(" lead")),
                new Weakdep("wd_a", List.of("second-line")));
    }

    @Test
    void softdepPrintsEachListFromItsFirstToItsLastWord() {
        assertThat(ModprobeConfigParser.blankSeparated("pre: a\tb\u000bc  d ")).containsExactly("pre:", "a", "b", "c", "d");
        assertThat(ModprobeConfigParser.blankSeparated(" pre: a")).containsExactly(" pre:", "a");
        assertThat(ModprobeConfigParser.blankSeparated("  pre: a")).containsExactly("pre:", "a");
        String dump = rich(KmodVersion.KMOD30).dump();
        assertThat(dump).contains("softdep sd_c pre: a b cpost: b c d\n", "softdep sd_a pre: p-1 p2post: q1\n",
                "softdep sd_e \n", "softdep sd_g \n");
    }

    @Test
    void filesSortByNameAcrossDirectoriesAndTheFirstDirectoryWins() throws IOException {
        file("etc/b.conf", "alias b-etc x\n");
        file("lib/b.conf", "alias b-lib x\n");
        file("lib/a.conf", "alias a-lib x\n");
        file("lib/c.conf", "alias c-lib x\n");
        file("lib/.d.conf", "alias hidden x\n");
        file("lib/e.txt", "alias txt x\n");
        file("lib/.conf", "alias dotconf x\n");
        Files.createDirectories(tmp.resolve("lib/nested.conf"));
        Path single = file("single/b.conf", "alias b-single x\n");
        file("mod/modules.softdep", "alias from-softdep x\n");
        ModprobeConfig c = load(KmodVersion.KMOD30,
                List.of(tmp.resolve("etc").toString(), tmp.resolve("lib").toString()),
                Optional.of(tmp.resolve("mod").toString()), "");
        assertThat(c.aliases()).extracting(Alias::pattern).containsExactly("a_lib", "b_etc", "c_lib", "from_softdep");
        assertThat(messages).containsExactly("libkmod: ERROR ../libkmod/libkmod-config.c:772 conf_files_filter_out: "
                + "Directories inside directories are not supported: " + tmp.resolve("lib") + "/nested.conf\n");
        // a file given directly takes part in the sort under its base name
        c = load(KmodVersion.KMOD34, List.of(single.toString(), tmp.resolve("lib").toString()), Optional.empty(), "");
        assertThat(c.aliases()).extracting(Alias::pattern).containsExactly("a_lib", "b_single", "c_lib");
        assertThat(messages).containsExactly("libkmod: ERROR: conf_files_filter_out: "
                + "Directories inside directories are not supported: " + tmp.resolve("lib") + "/nested.conf\n");
    }

    @Test
    void aModuleDirectoryFileHidesAConfigFileOfTheSameName() throws IOException {
        Path single = file("x/modules.softdep", "alias from-config x\n");
        file("mod/modules.softdep", "alias from-dir x\n");
        ModprobeConfig c = load(KmodVersion.KMOD30, List.of(single.toString()), Optional.of(tmp.resolve("mod").toString()), "");
        assertThat(c.aliases()).extracting(Alias::pattern).containsExactly("from_dir");
    }

    @Test
    void aRelativeModuleDirectoryIsTakenFromTheWorkingDirectory() {
        assertThat(WorkingDirectory.absolute("/lib/modules/1")).isEqualTo("/lib/modules/1");
        assertThat(WorkingDirectory.absolute("r/lib/modules/1")).endsWith("/r/lib/modules/1").startsWith("/");
    }

    @Test
    void badLinesAreReportedWithKmodsWordsAndLineNumbers() throws IOException {
        file("c/x.conf", "alias a\nbogus \\\nstill bogus\n  \n\t#x\ninclude y\nweakdep m a\nsoftdep m\n");
        String x = tmp.resolve("c") + "/x.conf";
        load(KmodVersion.KMOD30, List.of(tmp.resolve("c").toString()), Optional.empty(), "");
        String p = "libkmod: ERROR ../libkmod/libkmod-config.c:";
        assertThat(messages).containsExactly(
                p + "712 kmod_config_parse: " + x + " line 1: ignoring bad line starting with 'alias'\n",
                p + "712 kmod_config_parse: " + x + " line 3: ignoring bad line starting with 'bogus'\n",
                p + "712 kmod_config_parse: " + x + " line 5: ignoring bad line starting with '#x'\n",
                p + "708 kmod_config_parse: " + x + ": command include is deprecated and not parsed anymore\n",
                p + "712 kmod_config_parse: " + x + " line 7: ignoring bad line starting with 'weakdep'\n",
                p + "712 kmod_config_parse: " + x + " line 8: ignoring bad line starting with 'softdep'\n");
        load(KmodVersion.KMOD34, List.of(tmp.resolve("c") + "/"), Optional.empty(), "");
        assertThat(messages).containsExactly(
                "libkmod: ERROR: kmod_config_parse: " + tmp.resolve("c") + "//x.conf line 1: ignoring bad line starting with 'alias'\n",
                "libkmod: ERROR: kmod_config_parse: " + tmp.resolve("c") + "//x.conf line 3: ignoring bad line starting with 'bogus'\n",
                "libkmod: ERROR: kmod_config_parse: " + tmp.resolve("c") + "//x.conf line 5: ignoring bad line starting with '#x'\n",
                "libkmod: ERROR: kmod_config_parse: " + tmp.resolve("c") + "//x.conf: command include is deprecated and not parsed anymore\n",
                "libkmod: ERROR: kmod_config_parse: " + tmp.resolve("c") + "//x.conf line 8: ignoring bad line starting with 'softdep'\n");
    }

    @Test
    void aNulEndsALine() throws IOException {
        file("c/x.conf", "alias a\0b c\nblacklist m\0\n");
        ModprobeConfig c = load(KmodVersion.KMOD30, List.of(tmp.resolve("c").toString()), Optional.empty(), "");
        assertThat(c.aliases()).isEmpty();
        assertThat(c.blacklist()).containsExactly("m");
        assertThat(messages).hasSize(1).first().asString().endsWith("line 1: ignoring bad line starting with 'alias'\n");
    }

    @Test
    void kernelCommandLineOptionsComeLastAndBlacklistsAreKeptAsWritten() throws IOException {
        file("c/x.conf", "options a-b x=1\nblacklist c-d\n");
        ModprobeConfig c = load(KmodVersion.KMOD30, List.of(tmp.resolve("c").toString()), Optional.empty(),
                "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro a-b.y=2 modprobe.blacklist=e-f,g quiet\n");
        assertThat(c.options("a_b")).isEqualTo("x=1 y=2");
        assertThat(c.blacklist()).containsExactly("c_d", "e-f", "g");
        assertThat(c.isBlacklisted("e-f")).isFalse();  // names are compared normalized: e_f != e-f
        assertThat(c.dump()).isEqualTo("blacklist c_d\nblacklist e-f\nblacklist g\noptions a_b x=1\noptions a_b y=2\n"
                + "\n# End of configuration files. Dumping indexes now:\n\n");
    }

    private List<String> cmdline(KmodVersion version, String text) {
        ModprobeConfig c = load(version, List.of(tmp.resolve("no-config").toString()), Optional.empty(), text);
        List<String> out = new ArrayList<>();
        c.blacklist().forEach(b -> out.add("blacklist " + b));
        c.options().forEach(o -> out.add(o.module() + " " + o.options()));
        return out;
    }

    @Test
    void kernelCommandLineParsingFollowsLibkmod() {
        KmodVersion v = KmodVersion.KMOD30;
        // expectations checked against kmod 30 and 34 with /proc/cmdline bind-mounted
        assertThat(cmdline(v, "a.b=1 \"c.d=e f\" modprobe.blacklist=x,y-z,,w g-h.i=\"j k\" .p=1 m. m.p m.p.q=1 "
                + "m=x.y \"q.r\" \"s.t=u\" v\"w.x=1\" y.z=\"unterminated a.b=2 ")).containsExactly(
                "blacklist x", "blacklist y-z", "blacklist ", "blacklist w",
                "a b=1", "c d=\"e f\"", "g_h i=\"j k\"", " p=1", "m ", "m p", "s t=\"u\"");
        assertThat(cmdline(v, "a-[x-y]-b.e=1 \"modprobe.blacklist=q,r\" modprobe.blacklist modprobe.foo=1 "
                + "t.u=a\"b c\"d tab.x=\"a\tb\" n.o=1\"\n")).containsExactly("blacklist \"q", "blacklist r\"",
                "a_[x-y]_b e=1", "modprobe blacklist", "modprobe foo=1", "t u=a\"b c\"d", "tab x=\"a b\"");
        assertThat(cmdline(v, "a.b=1\0c.d=2\n")).containsExactly("a b=1");
        assertThat(cmdline(v, "\n m.a=1\n\tm.b=2\r\u000bm.c=3\fm-x.d=4")).containsExactly("m a=1", "m b=2", "m c=3",
                "m_x d=4");
        // libkmod reads 4095 bytes of the command line
        String fits = "x.y=" + "a".repeat(4085) + " p.q=1";
        assertThat(fits).hasSize(4095);
        assertThat(cmdline(v, fits)).hasSize(2);
        assertThat(cmdline(v, "x.y=" + "a".repeat(4086) + " p.q=1")).containsExactly("x y=" + "a".repeat(4086), "p q=");
        assertThat(cmdline(v, "")).isEmpty();
    }

    @Test
    void aBadModuleNameOnTheKernelCommandLineIsReportedHalfNormalized() {
        cmdline(KmodVersion.KMOD30, "bad]-x.p=1 a-b[c.d=1 ok.e=1");
        assertThat(messages).containsExactly(
                "libkmod: ERROR ../libkmod/libkmod-config.c:489 kcmdline_parse_result: Ignoring bad option on kernel "
                        + "command line while parsing module name: 'bad]-x'\n",
                "libkmod: ERROR ../libkmod/libkmod-config.c:489 kcmdline_parse_result: Ignoring bad option on kernel "
                        + "command line while parsing module name: 'a_b[c'\n");
        cmdline(KmodVersion.KMOD34, "bad]-x.p=1");
        assertThat(messages).containsExactly("libkmod: ERROR: kcmdline_parse_result: Ignoring bad option on kernel "
                + "command line while parsing module name: 'bad]-x'\n");
    }

    @Test
    void defaultPathsPerRelease() {
        assertThat(ModprobeConfig.defaultPaths(KmodVersion.KMOD30)).containsExactly("/etc/modprobe.d",
                "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d");
        assertThat(ModprobeConfig.defaultPaths(KmodVersion.KMOD34)).containsExactly("/etc/modprobe.d",
                "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d");
    }

    @Test
    void tokensFollowStrtok() {
        ConfigLines.Tokens t = new ConfigLines.Tokens("  options\tm   a=1 \t");
        assertThat(t.next()).isEqualTo("options");
        assertThat(t.next()).isEqualTo("m");
        assertThat(t.rest()).isEqualTo("  a=1 \t");
        assertThat(t.rest()).isNull();
        t = new ConfigLines.Tokens("options m ");
        t.next();
        t.next();
        assertThat(t.rest()).isNull();
        t = new ConfigLines.Tokens("options m");
        t.next();
        t.next();
        assertThat(t.next()).isNull();
        assertThat(t.rest()).isNull();
    }
}
