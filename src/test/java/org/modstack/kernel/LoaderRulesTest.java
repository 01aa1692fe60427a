package org.modstack.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Which generation's loader rules a release gets, and the rules that need no module to show. */
class LoaderRulesTest {

    @Test
    void releaseGetsTheNewestGenerationAtOrBelowItsVersion() {
        assertThat(LoaderRules.of("5.10.0-46-amd64").generation()).isEqualTo(LoaderRules.Generation.V5_10);
        assertThat(LoaderRules.of("6.1.0-56-amd64").generation()).isEqualTo(LoaderRules.Generation.V6_1);
        assertThat(LoaderRules.of("6.6.12-custom").generation()).isEqualTo(LoaderRules.Generation.V6_1);
        assertThat(LoaderRules.of("6.12.118+deb13-amd64").generation()).isEqualTo(LoaderRules.Generation.V6_12);
        assertThat(LoaderRules.of("7.2.12+deb14-amd64").generation()).isEqualTo(LoaderRules.Generation.V7_2);
        assertThat(LoaderRules.of("8.0.1").generation()).isEqualTo(LoaderRules.Generation.V7_2);
        assertThat(LoaderRules.of("4.19.0-27-amd64").generation()).isEqualTo(LoaderRules.Generation.V5_10);
    }

    /** The release is read by hand: it reads as {@code ^(\d+)\.(\d+)} reads it. */
    @Property(tries = 2000)
    void releaseVersionReadsAsItsPattern(@ForAll("releases") String release) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        LoaderRules.Generation expected = LoaderRules.Generation.V6_1;
        if (m.find()) {
            expected = LoaderRules.Generation.V5_10;
            int maj = Integer.parseInt(m.group(1));
            int min = Integer.parseInt(m.group(2));
            for (LoaderRules.Generation g : LoaderRules.Generation.values()) {
                String[] v = g.version().split("\\.");
                int gMaj = Integer.parseInt(v[0]);
                if (gMaj < maj || (gMaj == maj && Integer.parseInt(v[1]) <= min)) {
                    expected = g;
                }
            }
        }
        assertThat(LoaderRules.of(release).generation()).as(release).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> releases() {
        return Arbitraries.strings().withChars("0123456789.-+ax").ofMaxLength(9);
    }

    @Test
    void moduleNamespaceOpensToTheModulesItNamesFrom72Only() {
        LoaderRules v72 = LoaderRules.of("7.2.12+deb14-amd64");
        LoaderRules v612 = LoaderRules.of("6.12.118+deb13-amd64");
        String ns = "module:kvm,kvm-amd,snd_*";
        assertThat(Namespaces.importable(ns, "kvm_amd", List.of(), v72)).isTrue();
        assertThat(Namespaces.importable(ns, "snd_hda_intel", List.of(), v72)).isTrue();
        assertThat(Namespaces.importable(ns, "kvm_intel", List.of(), v72)).isFalse();
        assertThat(Namespaces.importable(ns, "kvm_amd", List.of(), v612)).isFalse();
        assertThat(Namespaces.importable(ns, "kvm_amd", List.of(ns), v612)).isTrue();
        assertThat(Namespaces.importable("USB_STORAGE", "uas", List.of("USB_STORAGE"), v72)).isTrue();
    }
}
