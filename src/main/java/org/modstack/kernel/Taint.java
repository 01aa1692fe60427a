package org.modstack.kernel;

import java.util.EnumSet;
import java.util.Set;

/**
 * The kernel's taint flags in bit order ({@code /proc/sys/kernel/tainted} is the sum of
 * {@code 1 << bit}); the ones marked {@code perModule} also show on a module, as the letters
 * in parentheses at the end of its {@code /proc/modules} line.
 */
public enum Taint {
    PROPRIETARY_MODULE('P', true),
    FORCED_MODULE('F', true),
    CPU_OUT_OF_SPEC('S', false),
    FORCED_RMMOD('R', false),
    MACHINE_CHECK('M', false),
    BAD_PAGE('B', false),
    USER('U', false),
    DIE('D', false),
    OVERRIDDEN_ACPI_TABLE('A', false),
    WARN('W', false),
    CRAP('C', true),
    FIRMWARE_WORKAROUND('I', false),
    OOT_MODULE('O', true),
    UNSIGNED_MODULE('E', true),
    SOFTLOCKUP('L', false),
    LIVEPATCH('K', true),
    AUX('X', true),
    RANDSTRUCT('T', true),
    TEST('N', true);

    private final char letter;
    private final boolean perModule;

    Taint(char letter, boolean perModule) {
        this.letter = letter;
        this.perModule = perModule;
    }

    /** The letter the kernel prints for it ({@code print_tainted}, {@code /proc/modules}). */
    public char letter() {
        return letter;
    }

    /** The taints a {@code /proc/sys/kernel/tainted} mask holds, in bit order; bits past the last flag are not taints. */
    public static Set<Taint> ofMask(long mask) {
        Set<Taint> out = EnumSet.noneOf(Taint.class);
        for (Taint t : values()) {
            if ((mask & t.bit()) != 0) {
                out.add(t);
            }
        }
        return out;
    }

    /** The bit in the taint mask. */
    public long bit() {
        return 1L << ordinal();
    }

    /** The letters of a module's taints, in bit order, as {@code /proc/modules} and sysfs show them. */
    public static String moduleLetters(Set<Taint> taints) {
        StringBuilder sb = new StringBuilder();
        for (Taint t : values()) {
            if (t.perModule && taints.contains(t)) {
                sb.append(t.letter);
            }
        }
        return sb.toString();
    }

    /** The mask of a set of taints. */
    public static long mask(Set<Taint> taints) {
        long m = 0;
        for (Taint t : taints) {
            m |= t.bit();
        }
        return m;
    }
}
