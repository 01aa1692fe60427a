package org.modstack.kernel;

import java.math.BigInteger;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * The kernel's standard parameter operations ({@code param_ops_<type>}): how a value given at
 * load time is parsed ({@code kstrto*} rules) and how sysfs shows it.
 */
public enum ParamType {
    BYTE(false, 8, "%hhu"), SHORT(true, 16, "%hi"), USHORT(false, 16, "%hu"), INT(true, 32, "%d"),
    UINT(false, 32, "%u"), LONG(true, 64, "%li"), ULONG(false, 64, "%lu"), ULLONG(false, 64, "%llu"),
    HEXINT(false, 32, "%#08x"), BOOL, INVBOOL, BINT, CHARP, STRING, ARRAY,
    /** A module's own operations: any value is accepted, what sysfs shows is unknown. */
    CUSTOM;

    private static final int CHARP_MAX = 1024;

    private final boolean signed;
    private final int bits;
    private final String format;

    ParamType(boolean signed, int bits, String format) {
        this.signed = signed;
        this.bits = bits;
        this.format = format;
    }

    ParamType() {
        this(false, 0, null);
    }

    /** The type of a {@code param_ops_<x>} (or {@code param_array_ops}) symbol. */
    public static ParamType ofOps(String symbol) {
        return switch (symbol) {
            case "param_ops_byte" -> BYTE;
            case "param_ops_short" -> SHORT;
            case "param_ops_ushort" -> USHORT;
            case "param_ops_int" -> INT;
            case "param_ops_uint" -> UINT;
            case "param_ops_long" -> LONG;
            case "param_ops_ulong" -> ULONG;
            case "param_ops_ullong" -> ULLONG;
            case "param_ops_hexint" -> HEXINT;
            case "param_ops_bool", "param_ops_bool_enable_only" -> BOOL;
            case "param_ops_invbool" -> INVBOOL;
            case "param_ops_bint" -> BINT;
            case "param_ops_charp" -> CHARP;
            case "param_ops_string" -> STRING;
            case "param_array_ops" -> ARRAY;
            default -> CUSTOM;
        };
    }

    /** Whether the parameter may be given without a value ({@code KERNEL_PARAM_OPS_FL_NOARG}). */
    public boolean takesNoArgument() {
        return this == BOOL || this == BINT;  // invbool has no NOARG flag
    }

    /**
     * Parses {@code value} (null: given without one) for a scalar parameter named {@code name};
     * {@code maxlen} is a string parameter's buffer size. A value the set operation refuses
     * fails with its errno, after the line it logs (if any) is added to {@code log}.
     *
     * @return the value as sysfs shows it, without the newline
     */
    String set(String name, String value, int maxlen, List<String> log) throws ErrnoException {
        switch (this) {
            case BOOL, INVBOOL, BINT -> {
                boolean b = parseBool(value == null ? "1" : value);
                return this == BINT ? (b ? "1" : "0") : b ? "Y" : "N";  // invbool stores the inverse and shows it inverted
            }
            case CHARP -> {
                if (value.length() > CHARP_MAX) {
                    throw rejected(Errno.ENOSPC, name + ": string parameter too long", log);
                }
                return value;
            }
            case STRING -> {
                if (value.length() + 1 > maxlen) {
                    throw rejected(Errno.ENOSPC, name + ": string doesn't fit in " + (maxlen - 1) + " chars.", log);
                }
                return value;
            }
            case CUSTOM, ARRAY -> {
                return value;
            }
            default -> {
                return format(parseInteger(value));
            }
        }
    }

    /** How sysfs shows a stored integer. */
    String format(BigInteger v) {
        return switch (this) {
            case HEXINT -> {
                // the kernel's "%#08x": 0x always, zero-padded to 8 characters in all
                String digits = v.toString(16);
                yield "0x" + "0".repeat(Math.max(0, 6 - digits.length())) + digits;
            }
            default -> v.toString();
        };
    }

    /** A raw little-endian initial value from the module image, as sysfs shows it. */
    String formatRaw(long raw) {
        return switch (this) {
            case BOOL -> (raw & 0xff) != 0 ? "Y" : "N";
            case INVBOOL -> (raw & 0xff) != 0 ? "N" : "Y";
            case BINT -> Integer.toString((int) raw);
            default -> format(fromRaw(raw));
        };
    }

    /** The size in bytes of a scalar of this type in memory. */
    int size() {
        return switch (this) {
            case BOOL, INVBOOL -> 1;
            case BINT -> 4;
            default -> bits / 8;
        };
    }

    private BigInteger fromRaw(long raw) {
        BigInteger v = BigInteger.valueOf(raw);
        if (bits < 64) {
            long mask = (1L << bits) - 1;
            long u = raw & mask;
            long s = signed && (u >>> (bits - 1)) != 0 ? u - (1L << bits) : u;
            return BigInteger.valueOf(s);
        }
        return signed || raw >= 0 ? v : v.add(BigInteger.ONE.shiftLeft(64));
    }

    /** kstrtobool: the first one or two characters decide. */
    private static boolean parseBool(String s) throws ErrnoException {
        char c0 = s.isEmpty() ? 0 : s.charAt(0);
        char c1 = s.length() > 1 ? s.charAt(1) : 0;
        switch (c0) {
            case 'y', 'Y', 't', 'T', '1' -> {
                return true;
            }
            case 'n', 'N', 'f', 'F', '0' -> {
                return false;
            }
            case 'o', 'O' -> {
                if (c1 == 'n' || c1 == 'N') {
                    return true;
                }
                if (c1 == 'f' || c1 == 'F') {
                    return false;
                }
            }
            default -> {
            }
        }
        throw rejected(Errno.EINVAL);
    }

    /** kstrto{u8,s16,...}(s, 0): auto base, optional sign, one trailing newline, range-checked. */
    private BigInteger parseInteger(String s) throws ErrnoException {
        if (s == null) {
            throw rejected(Errno.EINVAL);
        }
        boolean negative = false;
        int at = 0;
        if (s.startsWith("+")) {
            at = 1;
        } else if (s.startsWith("-") && signed) {
            negative = true;
            at = 1;
        }
        BigInteger magnitude = parseUnsigned(s.substring(at));
        BigInteger v = negative ? magnitude.negate() : magnitude;
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw rejected(Errno.ERANGE);
        }
        return v;
    }

    /** _kstrtoull with base 0: "0x" + hex digit means hex, a leading 0 octal, else decimal. */
    private static BigInteger parseUnsigned(String s) throws ErrnoException {
        int base = 10;
        int at = 0;
        if (s.startsWith("0")) {
            if (s.length() > 2 && (s.charAt(1) == 'x' || s.charAt(1) == 'X') && Character.digit(s.charAt(2), 16) >= 0) {
                base = 16;
                at = 2;
            } else {
                base = 8;
            }
        }
        BigInteger v = BigInteger.ZERO;
        int digits = 0;
        while (at < s.length()) {
            int d = Character.digit(Character.toLowerCase(s.charAt(at)), 36);
            if (d < 0 || d >= base || s.charAt(at) > 'z') {
                break;
            }
            v = v.multiply(BigInteger.valueOf(base)).add(BigInteger.valueOf(d));
            digits++;
            at++;
        }
        if (v.bitLength() > 64) {
            throw rejected(Errno.ERANGE);
        }
        if (digits == 0) {
            throw rejected(Errno.EINVAL);
        }
        if (at < s.length() && s.charAt(at) == '\n') {
            at++;
        }
        if (at != s.length()) {
            throw rejected(Errno.EINVAL);
        }
        return v;
    }

    private static ErrnoException rejected(Errno errno) {
        return new ErrnoException(errno, "parameter value rejected");
    }

    private static ErrnoException rejected(Errno errno, String line, List<String> log) {
        log.add(line);
        return new ErrnoException(errno, line);
    }
}
