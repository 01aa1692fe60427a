package org.modstack.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * The kernel's {@code parse_args} for a module being loaded: the option string split into
 * {@code param[=value]} words (double quotes group), each given to its parameter's set
 * operation; unknown parameters are logged and ignored, and the last failure is the result.
 */
final class ModuleArgs {
    private ModuleArgs() {
    }

    /**
     * Parses {@code args} for {@code params}, logging as the kernel logs.
     *
     * @return each parameter's sysfs content after parsing (initial values included)
     * @throws ErrnoException the last failure, once every word was parsed
     */
    static Map<String, String> apply(String module, String args, List<ModuleParam> params, List<String> log)
            throws ErrnoException {
        Map<String, String> values = new LinkedHashMap<>();
        for (ModuleParam p : params) {
            values.put(p.name(), p.initial());
        }
        ErrnoException error = null;
        String rest = skipSpaces(args);
        while (!rest.isEmpty()) {
            String[] word = new String[2];
            rest = nextArg(rest, word);
            String param = word[0];
            String val = word[1];
            if (val == null && param.equals("--")) {
                // load_module warns about what follows, even nothing, unless a parameter failed
                if (error == null) {
                    log.add(module + ": parameters '" + rest + "' after `--' ignored");
                }
                break;
            }
            try {
                parseOne(module, param, val, params, values, log);
            } catch (ErrnoException e) {
                log.add(failureLine(module, param, val, params, e.errno()));
                error = e;
            }
        }
        if (error != null) {
            throw error;
        }
        return values;
    }

    private static String failureLine(String module, String param, String val, List<ModuleParam> params, Errno e) {
        String shown = val == null ? "" : val;
        if (isArray(param, params) && shown.indexOf(',') >= 0) {
            shown = shown.substring(0, shown.indexOf(','));  // param_array cut the value at each comma
        }
        return e == Errno.ENOSPC ? module + ": `" + shown + "' too large for parameter `" + param + "'"
                : module + ": `" + shown + "' invalid for parameter `" + param + "'";
    }

    private static void parseOne(String module, String param, String val, List<ModuleParam> params,
                                 Map<String, String> values, List<String> log) throws ErrnoException {
        for (ModuleParam p : params) {
            if (!parameq(param, p.name())) {
                continue;
            }
            if (val == null && !p.type().takesNoArgument()) {
                throw new ErrnoException(Errno.EINVAL, p.name() + " needs a value");
            }
            values.put(p.name(), p.type() == ParamType.ARRAY ? setArray(p, val, log)
                    : p.type().set(p.name(), val, p.maxlen(), log) + "\n");
            return;
        }
        // dynamic debug cuts "mod.param" at the dot, in place, before the name is printed
        String cut = param.indexOf('.') >= 0 ? param.substring(0, param.indexOf('.')) : param;
        String rest = param.indexOf('.') >= 0 ? param.substring(param.indexOf('.') + 1) : param;
        if (!param.equals("async_probe") && !rest.equals("dyndbg")) {
            log.add(module + ": unknown parameter '" + cut + "' ignored");
        }
    }

    private static boolean isArray(String param, List<ModuleParam> params) {
        for (ModuleParam p : params) {
            if (parameq(param, p.name()) && p.type() == ParamType.ARRAY) {
                return true;
            }
        }
        return false;
    }

    /** param_array: comma-separated elements, at most {@code max}, at least one. */
    private static String setArray(ModuleParam p, String val, List<String> log) throws ErrnoException {
        List<String> shown = new ArrayList<>();
        int start = 0;
        while (true) {
            if (shown.size() == p.arrayMax()) {
                String line = p.name() + ": can only take " + p.arrayMax() + " arguments";
                log.add(line);
                throw new ErrnoException(Errno.EINVAL, line);
            }
            int comma = val.indexOf(',', start);
            String elem = comma < 0 ? val.substring(start) : val.substring(start, comma);
            shown.add(p.elementType().set(p.name(), elem, p.maxlen(), log));
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return String.join(",", shown) + "\n";
    }

    /** Parameter names match with '-' and '_' taken as the same character. */
    static boolean parameq(String a, String b) {
        return a.replace('-', '_').equals(b.replace('-', '_'));
    }

    /** next_arg: one word; {@code out[0]} the name, {@code out[1]} the value or null; returns the rest. */
    private static String nextArg(String args, String[] out) {
        boolean quoted = args.charAt(0) == '"';
        int start = quoted ? 1 : 0;
        boolean inQuote = quoted;
        int equals = 0;  // relative to start; 0 means none, as in the kernel (a leading '=' is no separator)
        int end = start;
        for (; end < args.length(); end++) {
            char c = args.charAt(end);
            if (isSpace(c) && !inQuote) {
                break;
            }
            if (equals == 0 && c == '=') {
                equals = end - start;
            }
            if (c == '"') {
                inQuote = !inQuote;
            }
        }
        boolean closingQuote = end > start && args.charAt(end - 1) == '"';
        if (equals == 0) {
            out[0] = args.substring(start, quoted && closingQuote ? end - 1 : end);
            out[1] = null;
        } else {
            out[0] = args.substring(start, start + equals);
            int vs = start + equals + 1;
            boolean valueQuoted = vs < end && args.charAt(vs) == '"';
            int ve = (valueQuoted || quoted) && closingQuote ? end - 1 : end;
            vs += valueQuoted ? 1 : 0;
            out[1] = args.substring(Math.min(vs, ve), ve);
        }
        return skipSpaces(end < args.length() ? args.substring(end + 1) : "");
    }

    private static String skipSpaces(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }
}
