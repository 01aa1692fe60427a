package org.modstack.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Scenarios of random steps over the sample modules (scripts/qemu/scenarios/README.md's ground
 * rules): loads and removals in any order, forced or not, by insmod and modprobe, parameters
 * good and bad, and reads of the state between them. Seeded: the same files each run.
 */
final class RandomScenarios {
    private static final List<String> MODULES = List.of("chain_a", "chain_b", "chain_c", "stack_core", "stack_user",
            "stack_user2", "stack_noexit", "stack_initfail", "stack_dup", "stack_params", "stack_prop", "stack_nons",
            "stack_alias", "stack_propcore", "stack_propuser", "stack_propmix", "stack_badcrc", "stack_nocrc",
            "stack_noversions", "stack_badmagic", "stack_relmagic", "stack_staging", "stack_intree", "stack_stripped",
            "stack_trunc", "stack_notelf");
    private static final List<String> PARAMS = List.of("mp_uint=3", "mp_byte=300", "mp_name=abc",
            "mp_name=abcdefghijklmnopq", "mp_array=1,2,3,4,5", "mp_array=7", "mp_bool=x", "mp_bool", "mp_noisy",
            "mp_hexint=255", "mp_short=-40000", "nosuch=1", "mp_long=-5", "--", "mp_strparam=");

    private RandomScenarios() {
    }

    /**
     * {@code count} scenarios of {@code steps} steps each over the sample modules built in
     * {@code fixtures} (a generation may lack some), written to {@code dir} as {@code random-N.scenario}.
     */
    static List<Path> write(Path dir, Path fixtures, long seed, int count, int steps) throws IOException {
        Files.createDirectories(dir);
        List<String> modules = new ArrayList<>();
        for (String m : MODULES) {
            if (Files.exists(fixtures.resolve(m + ".ko"))) {
                modules.add(m);
            }
        }
        Random random = new Random(seed);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder("# random steps, seed " + seed + ", scenario " + i + "\n");
            sb.append("#! init stack_initfail -19\n#! extra ").append(String.join(" ", modules)).append('\n');
            for (int s = 0; s < steps; s++) {
                sb.append(step(random, modules)).append('\n');
            }
            out.add(Files.writeString(dir.resolve("random-" + i + ".scenario"), sb));
        }
        return out;
    }

    private static String step(Random random, List<String> modules) {
        String m = modules.get(random.nextInt(modules.size()));
        int r = random.nextInt(100);
        if (r < 30) {
            return "insmod " + (random.nextInt(8) == 0 ? "-f " : "") + m + ".ko" + params(random, m);
        } else if (r < 45) {
            return "rmmod " + (random.nextInt(6) == 0 ? "-f " : "") + m
                    + (random.nextInt(4) == 0 ? " " + modules.get(random.nextInt(modules.size())) : "");
        } else if (r < 55) {
            return "modprobe " + m + params(random, m);
        } else if (r < 63) {
            return "modprobe -r " + (random.nextInt(4) == 0 ? "--remove-holders " : "") + m;
        } else if (r < 71) {
            return "lsmod";
        } else if (r < 77) {
            return "cat /proc/modules";
        } else if (r < 84) {
            return "cat /sys/module/" + m + "/refcnt";
        } else if (r < 90) {
            return "ls /sys/module/" + m + "/holders";
        } else if (r < 95) {
            return "cat /proc/sys/kernel/tainted";
        }
        return "cat /sys/module/" + m + "/initstate";
    }

    private static String params(Random random, String module) {
        if (!module.equals("stack_params") || random.nextBoolean()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            sb.append(' ').append(PARAMS.get(random.nextInt(PARAMS.size())));
        }
        return sb.toString();
    }
}
