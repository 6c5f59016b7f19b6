package dev.dockward.packaging;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * dockward(1) in troff (man macros), from the picocli model: every visible command's synopsis,
 * description, options and parameters, then the exit codes, files and environment. Our own small
 * renderer rather than picocli-codegen's AsciiDoc, which would need Asciidoctor to become troff.
 */
final class ManPage {
  private ManPage() {}

  static String render(CommandLine root, String version, Instant when) {
    String date = DateTimeFormatter.ISO_LOCAL_DATE.format(when.atZone(ZoneOffset.UTC));
    CommandSpec spec = root.getCommandSpec();
    StringBuilder m = new StringBuilder();
    m.append(".TH DOCKWARD 1 \"")
        .append(date)
        .append("\" \"dockward ")
        .append(escape(version))
        .append("\" \"Dockward Manual\"\n")
        .append(".nh\n.ad l\n"); // options must not be hyphenated at line ends
    m.append(".SH NAME\ndockward \\- ")
        .append(escape(lowerFirst(text(spec.usageMessage().description()))))
        .append('\n');
    m.append(".SH SYNOPSIS\n");
    synopsis(m, root);
    m.append(".SH DESCRIPTION\n")
        .append(
            "Dockward watches every container of a Docker host from the outside, through /proc, cgroups\n")
        .append(
            "and the Docker daemon, raises alerts on container escapes, dangerous container configurations\n")
        .append("and resource abuse, journals every event and alert in a local journal that\n")
        .append(".B dockward replay\nreads back, and ships alerts to stdout, a file or Kafka.\n")
        .append(
            ".PP\nThe packaged service runs\n.B dockward run \\-\\-config /etc/dockward/dockward.yaml\n")
        .append("under the systemd unit\n.IR dockward.service .\n");
    m.append(".SH OPTIONS\n");
    options(m, spec);
    m.append(".SH COMMANDS\n");
    for (CommandLine sub : root.getSubcommands().values()) {
      command(m, sub);
    }
    m.append(".SH EXIT STATUS\n");
    spec.usageMessage()
        .exitCodeList()
        .forEach(
            (code, meaning) ->
                m.append(".TP\n.B ")
                    .append(escape(code.strip()))
                    .append('\n')
                    .append(escape(meaning.strip()))
                    .append('\n'));
    m.append(".SH FILES\n")
        .append(
            ".TP\n.I /etc/dockward/dockward.yaml\nThe agent's configuration (every key commented with its default);\n")
        .append("the default of every command that reads a config when no \\-\\-config is given.\n")
        .append(
            ".TP\n.I /etc/dockward/rules.d/\nThe administrator's own rule files (*.yaml, *.yml); loaded when the config names\n")
        .append("it (the shipped one does), or when there is no config file.\n")
        .append(
            ".TP\n.I /usr/share/bash\\-completion/completions/dockward\nBash completion of commands, options and their values.\n")
        .append(
            ".TP\n.I /var/lib/dockward/journal/\nThe journal of every event and alert. Purging the package keeps it unless\n")
        .append(".B DOCKWARD_PURGE_JOURNAL=yes\nis set.\n")
        .append(".TP\n.I /usr/share/doc/dockward/\nREADME.md and the documents it refers to.\n");
    m.append(".SH ENVIRONMENT\n")
        .append(
            ".TP\n.B DOCKWARD_JAVA_OPTS\nExtra JVM options for the launcher (the unit sets \\-Xmx512m).\n")
        .append(".TP\n.B JAVA_HOME\nThe Java runtime to use; otherwise java on the PATH.\n");
    m.append(
        ".SH SEE ALSO\n.BR systemctl (1),\n.BR journalctl (1),\n/usr/share/doc/dockward/README.md\n");
    return m.toString();
  }

  private static void command(StringBuilder m, CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    if (spec.usageMessage().hidden() || cmd.getCommand() instanceof CommandLine.HelpCommand) {
      return;
    }
    m.append(".SS \"").append(escape(spec.qualifiedName())).append("\"\n");
    synopsis(m, cmd);
    String description = text(spec.usageMessage().description());
    if (!description.isEmpty()) {
      m.append(".PP\n").append(escape(description)).append('\n');
    }
    options(m, spec);
    for (CommandLine sub : cmd.getSubcommands().values()) {
      command(m, sub);
    }
  }

  /** picocli's own synopsis on one line, for troff to fill at spaces (never inside an option). */
  private static void synopsis(StringBuilder m, CommandLine cmd) {
    int width = cmd.getUsageHelpWidth();
    cmd.setUsageHelpWidth(10_000);
    try {
      m.append(escape(cmd.getHelp().synopsis(0).strip())).append('\n');
    } finally {
      cmd.setUsageHelpWidth(width);
    }
  }

  private static void options(StringBuilder m, CommandSpec spec) {
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (!p.hidden()) {
        item(m, p.paramLabel(), text(p.description()));
      }
    }
    for (OptionSpec o : spec.options()) {
      boolean standard = o.usageHelp() || o.versionHelp();
      if (o.hidden() || (standard && spec.parent() != null)) {
        continue; // every command has --help and --version: listed once, under OPTIONS
      }
      String names = String.join(", ", o.names());
      String label =
          o.typeInfo().isBoolean() || o.arity().max() == 0 ? names : names + " " + o.paramLabel();
      item(m, label, text(o.description()));
    }
  }

  private static void item(StringBuilder m, String term, String description) {
    m.append(".TP\n.B ")
        .append(escape(term))
        .append('\n')
        .append(description.isEmpty() ? "\\&" : escape(description))
        .append('\n');
  }

  /** A description's lines as one paragraph; picocli's %n line breaks become troff breaks. */
  private static String text(String[] lines) {
    return String.join(" ", List.of(lines)).replace("%n", "\n").replace("%%", "%").strip();
  }

  private static String lowerFirst(String s) {
    String t = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    return t.isEmpty() ? t : Character.toLowerCase(t.charAt(0)) + t.substring(1);
  }

  /** Backslashes and hyphens as troff wants them; a line may not start with a control character. */
  static String escape(String s) {
    String e = s.replace("\\", "\\e").replace("-", "\\-");
    StringBuilder out = new StringBuilder();
    for (String line : e.split("\n", -1)) {
      String l = line.stripTrailing();
      if (l.isEmpty()) {
        continue; // a blank line is a paragraph break in troff
      }
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l);
    }
    return out.toString();
  }
}
