package org.modstack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.modstack.ErrnoException;
import org.modstack.modprobe.ModuleDirectory;

/**
 * {@code kmod static-nodes}: the device nodes {@code modules.devname} of the running kernel
 * names, in kmod's three formats. A file named by {@code -o} is written whole or not at all.
 */
final class StaticNodesTool extends GetoptTool {
    private static final Getopt OPTIONS = new Getopt(List.of(Getopt.Spec.value('o', "output"),
            Getopt.Spec.value('f', "format"), Getopt.Spec.flag('h', "help")));
    /** sscanf's {@code "%s %s %c%u:%u"}. */
    private static final Pattern ENTRY = Pattern.compile("\\s*(\\S+)\\s+(\\S+)\\s+(\\S)(\\d+):(\\d+).*", Pattern.DOTALL);

    /** kmod's formats, in its order. */
    enum Format {
        HUMAN("(default) a human readable format. Do not parse."),
        TMPFILES("the tmpfiles.d(5) format used by systemd-tmpfiles."),
        DEVNAME("the modules.devname format.");

        final String description;

        Format(String description) {
            this.description = description;
        }

        String entry(String module, String dev, char type, long major, long minor) {
            return switch (this) {
                case HUMAN -> "Module: " + module + "\n\tDevice node: /dev/" + dev + "\n\t\tType: "
                        + (type == 'c' ? "character" : "block") + " device\n\t\tMajor: " + major + "\n\t\tMinor: " + minor + "\n";
                case TMPFILES -> (dev.contains("/") ? "d /dev/" + dev.substring(0, dev.lastIndexOf('/')) + " 0755 - - -\n" : "")
                        + type + "! /dev/" + dev + " 0600 - - - " + major + ":" + minor + "\n";
                case DEVNAME -> module + " " + dev + " " + type + major + ":" + minor + "\n";
            };
        }
    }

    private Format format = Format.HUMAN;
    private String output;

    @Override
    protected Getopt options() {
        return OPTIONS;
    }

    @Override
    protected String help() {
        StringBuilder sb = new StringBuilder("Usage:\n\tkmod static-nodes [options]\n\n"
                + "kmod static-nodes outputs the static-node information of the currently running kernel.\n\n"
                + "Options:\n\t-f, --format=FORMAT  choose format to use: see \"Formats\"\n"
                + "\t-o, --output=FILE    write output to file\n\t-h, --help           show this help\n\nFormats:\n");
        for (Format f : Format.values()) {
            sb.append(String.format("\t%-12s %s\n", f.name().toLowerCase(java.util.Locale.ROOT), f.description));
        }
        return sb.toString();
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option o) {
        if (o.key().equals("o")) {
            output = o.value();
            return null;
        }
        for (Format f : Format.values()) {
            if (f.name().toLowerCase(java.util.Locale.ROOT).equals(o.value())) {
                format = f;
                return null;
            }
        }
        io.printErr("Unknown format: '" + o.value() + "'.\n");
        io.print(help());
        return 1;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        String release = ModuleDirectory.runningRelease();
        Path devname = Path.of("/lib/modules", release, "modules.devname");
        List<String> lines;
        try {
            lines = List.of(new String(Files.readAllBytes(devname), StandardCharsets.ISO_8859_1).split("(?<=\n)"));
        } catch (NoSuchFileException e) {
            io.printErr("Warning: " + devname + " not found - ignoring\n");
            return 0;
        } catch (IOException e) {
            io.printErr("Error: could not open " + devname + " - " + ErrnoException.of(e, "").errno().message() + "\n");
            return 1;
        }
        StringBuilder out = new StringBuilder();
        int status = 0;
        for (String line : lines) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches() || !"cb".contains(m.group(3))) {
                io.printErr("Error: invalid devname entry: " + line);
                status = 1;
                continue;
            }
            out.append(format.entry(m.group(1), m.group(2), m.group(3).charAt(0),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5))));
        }
        return write(io, out.toString()) ? status : 1;
    }

    private boolean write(ToolOutput io, String text) {
        if (output == null) {
            io.print(text);
            return true;
        }
        Path target = io.resolve(output);
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".static-nodes", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            io.printErr("Error: could not create " + output + " - " + ErrnoException.of(e, output).errno().message() + "\n");
            return false;
        }
    }
}
