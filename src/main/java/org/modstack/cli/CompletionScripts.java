package org.modstack.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Shell completion for {@code modstack}, written from {@link ToolTable}'s option tables. */
final class CompletionScripts {
    private CompletionScripts() {
    }

    static String bash() {
        Map<String, List<Getopt.Spec>> tables = ToolTable.optionTables();
        StringBuilder sb = new StringBuilder("# bash completion for modstack; made by `modstack completion bash`\n")
                .append("_modstack() {\n")
                .append("    local cur=${COMP_WORDS[COMP_CWORD]} line=${COMP_WORDS[1]} opts=\n")
                .append("    if ((COMP_CWORD == 1)); then\n")
                .append("        COMPREPLY=($(compgen -W '").append(String.join(" ", ToolTable.TOOLS.keySet()))
                .append("' -- \"$cur\")); return\n    fi\n");
        ToolTable.subcommands().forEach((tool, subs) -> sb.append("    if [[ $line == ").append(tool)
                .append(" ]]; then\n        if ((COMP_CWORD == 2)); then COMPREPLY=($(compgen -W '")
                .append(String.join(" ", subs)).append("' -- \"$cur\")); return; fi\n")
                .append("        line=\"$line ${COMP_WORDS[2]}\"\n    fi\n"));
        sb.append("    case $line in\n");
        tables.forEach((line, specs) -> sb.append("        '").append(line).append("') opts='")
                .append(words(specs)).append("' ;;\n"));
        return sb.append("    esac\n")
                .append("    if [[ $cur == -* ]]; then\n")
                .append("        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n")
                .append("        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null\n")
                .append("    else\n        COMPREPLY=($(compgen -f -- \"$cur\"))\n    fi\n}\n")
                .append("complete -F _modstack modstack\n").toString();
    }

    static String zsh() {
        StringBuilder sb = new StringBuilder("#compdef modstack\n# made by `modstack completion zsh`\n")
                .append("_modstack() {\n    local line=$words[2]\n    local -a opts\n")
                .append("    if ((CURRENT == 2)); then compadd -- ")
                .append(String.join(" ", ToolTable.TOOLS.keySet())).append("; return; fi\n");
        ToolTable.subcommands().forEach((tool, subs) -> sb.append("    if [[ $line == ").append(tool)
                .append(" ]]; then\n        if ((CURRENT == 3)); then compadd -- ").append(String.join(" ", subs))
                .append("; return; fi\n        line=\"$line $words[3]\"\n    fi\n"));
        sb.append("    case $line in\n");
        ToolTable.optionTables().forEach((line, specs) -> sb.append("        '").append(line).append("') opts=(")
                .append(words(specs)).append(") ;;\n"));
        return sb.append("    esac\n    if [[ $PREFIX == -* ]]; then compadd -S '' -- $opts; else _files; fi\n}\n")
                .append("_modstack \"$@\"\n").toString();
    }

    static String fish() {
        StringBuilder sb = new StringBuilder("# fish completion for modstack; made by `modstack completion fish`\n")
                .append("complete -c modstack -f -n __fish_use_subcommand -a '")
                .append(String.join(" ", ToolTable.TOOLS.keySet())).append("'\n");
        ToolTable.subcommands().forEach((tool, subs) -> sb.append("complete -c modstack -f -n '__fish_seen_subcommand_from ")
                .append(tool).append("; and not __fish_seen_subcommand_from ").append(String.join(" ", subs))
                .append("' -a '").append(String.join(" ", subs)).append("'\n"));
        ToolTable.optionTables().forEach((line, specs) -> {
            String condition = condition(line);
            for (Getopt.Spec spec : specs) {
                sb.append("complete -c modstack -n '").append(condition).append("'");
                if (spec.shortName() != 0) {
                    sb.append(" -s ").append(spec.shortName());
                }
                if (spec.longName() != null) {
                    sb.append(" -l ").append(spec.longName());
                }
                sb.append(spec.arg() == Getopt.Arg.REQUIRED ? " -r\n" : "\n");
            }
        });
        return sb.toString();
    }

    private static String condition(String line) {
        return List.of(line.split(" ")).stream().map(w -> "__fish_seen_subcommand_from " + w)
                .collect(Collectors.joining("; and "));
    }

    private static String words(List<Getopt.Spec> specs) {
        return specs.stream().map(ToolTable::word).distinct().collect(Collectors.joining(" "));
    }
}
