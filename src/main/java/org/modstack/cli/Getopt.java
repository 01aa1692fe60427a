package org.modstack.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Command-line parsing with the semantics and messages of glibc's {@code getopt_long}, which
 * every kmod tool uses: options and operands may be mixed (operands are collected in order),
 * short options cluster ({@code -0F name}, {@code -Fname}), long options take {@code =value}
 * or the next argument and may be abbreviated to a unique prefix, {@code --} ends options.
 *
 * <p>modstack parses by hand rather than with a framework: getopt's exact behaviour and words
 * are part of kmod's interface, and a tool that udev or DKMS may start thousands of times must
 * not spend more on parsing its arguments than kmod spends on the whole job.
 */
public final class Getopt {

    /** How an option takes its argument. */
    public enum Arg { NONE, REQUIRED }

    /**
     * One option.
     *
     * @param shortName its letter, or 0 for a long-only option
     * @param longName its long name without dashes, or null
     * @param arg whether it takes an argument
     * @param id what callers see as {@link Option#key()}: long names with the same id are the
     *     same option to getopt (never ambiguous with each other)
     */
    public record Spec(char shortName, String longName, Arg arg, String id) {
        public static Spec flag(char s, String l) {
            return new Spec(s, l, Arg.NONE, String.valueOf(s));
        }

        public static Spec value(char s, String l) {
            return new Spec(s, l, Arg.REQUIRED, String.valueOf(s));
        }

        /** A long-only option; several names may share one {@code id}. */
        public static Spec longOnly(String l, Arg arg, String id) {
            return new Spec('\0', l, arg, id);
        }

        /** The option's identity for callers: its letter, or its id when it has no letter. */
        public String key() {
            return id;
        }
    }

    /**
     * One option found on the command line.
     *
     * @param spec which option
     * @param value its argument, when it takes one
     * @param longForm whether it was given by its long name
     */
    public record Option(Spec spec, String value, boolean longForm) {
        public String key() {
            return spec.key();
        }
    }

    /** What parsing found: options in command-line order and the operands. */
    public record Result(List<Option> options, List<String> operands) {
    }

    /**
     * A usage error, worded exactly as getopt prints it (without program name and newline),
     * with the options getopt had returned before it: a tool acts on those first, as kmod's
     * option loop does ({@code -h -x} prints the help).
     */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<Option> before;

        UsageException(String message, List<Option> before) {
            super(message);
            this.before = List.copyOf(before);
        }

        /** The options parsed before the error. */
        public List<Option> before() {
            return before;
        }
    }

    private final List<Spec> specs;

    public Getopt(List<Spec> specs) {
        this.specs = List.copyOf(specs);
    }

    /** The options, in the order given: what help, completions and man pages are made from. */
    public List<Spec> specs() {
        return specs;
    }

    /** Parses {@code args}; on the first error throws getopt's message. */
    public Result parse(List<String> args) throws UsageException {
        List<Option> options = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--")) {
                    operands.addAll(args.subList(i + 1, args.size()));
                    break;
                } else if (a.startsWith("--")) {
                    i = longOption(args, i, options);
                } else if (a.startsWith("-") && a.length() > 1) {
                    i = shortOptions(args, i, options);
                } else {
                    operands.add(a);
                }
            }
        } catch (UsageException e) {
            throw new UsageException(e.getMessage(), options);
        }
        return new Result(options, operands);
    }

    private int shortOptions(List<String> args, int i, List<Option> out) throws UsageException {
        String a = args.get(i);
        for (int k = 1; k < a.length(); k++) {
            char c = a.charAt(k);
            Spec spec = byShort(c);
            if (spec == null || c == 0) {
                throw new UsageException("invalid option -- '" + c + "'", List.of());
            }
            if (spec.arg() == Arg.NONE) {
                out.add(new Option(spec, null, false));
                continue;
            }
            if (k + 1 < a.length()) {
                out.add(new Option(spec, a.substring(k + 1), false));
                return i;
            }
            if (i + 1 >= args.size()) {
                throw new UsageException("option requires an argument -- '" + c + "'", List.of());
            }
            out.add(new Option(spec, args.get(i + 1), false));
            return i + 1;
        }
        return i;
    }

    private int longOption(List<String> args, int i, List<Option> out) throws UsageException {
        String body = args.get(i).substring(2);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        Spec spec = byLong(name, body);
        if (eq >= 0) {
            if (spec.arg() == Arg.NONE) {
                throw new UsageException("option '--" + spec.longName() + "' doesn't allow an argument", List.of());
            }
            out.add(new Option(spec, body.substring(eq + 1), true));
            return i;
        }
        if (spec.arg() == Arg.NONE) {
            out.add(new Option(spec, null, true));
            return i;
        }
        if (i + 1 >= args.size()) {
            throw new UsageException("option '--" + spec.longName() + "' requires an argument", List.of());
        }
        out.add(new Option(spec, args.get(i + 1), true));
        return i + 1;
    }

    private Spec byShort(char c) {
        for (Spec s : specs) {
            if (s.shortName() == c) {
                return s;
            }
        }
        return null;
    }

    /** An exact long name, else the only one it abbreviates. */
    private Spec byLong(String name, String body) throws UsageException {
        List<Spec> candidates = new ArrayList<>();
        for (Spec s : specs) {
            if (s.longName() == null) {
                continue;
            }
            if (s.longName().equals(name)) {
                return s;
            }
            if (s.longName().startsWith(name)) {
                candidates.add(s);
            }
        }
        if (candidates.isEmpty()) {
            throw new UsageException("unrecognized option '--" + body + "'", List.of());
        }
        if (candidates.size() > 1 && !sameOption(candidates)) {
            StringBuilder sb = new StringBuilder("option '--" + name + "' is ambiguous; possibilities:");
            candidates.forEach(s -> sb.append(" '--").append(s.longName()).append('\''));
            throw new UsageException(sb.toString(), List.of());
        }
        return candidates.get(0);
    }

    /** getopt does not call prefixes ambiguous when every candidate means the same option. */
    private static boolean sameOption(List<Spec> candidates) {
        Spec first = candidates.get(0);
        return candidates.stream().allMatch(s -> s.key().equals(first.key()) && s.arg() == first.arg());
    }
}
