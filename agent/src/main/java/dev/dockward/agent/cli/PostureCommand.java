package dev.dockward.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.assembly.PostureWiring;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.ship.TextLine;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.PostureFinding;
import dev.dockward.rules.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dockward posture}: one audit of this host's Docker security posture, printed as a table or
 * as JSON lines (one finding a line, most severe first). With {@code --fail-on SEVERITY} the exit
 * code is 1 when a finding is at or above it, for use in a pipeline; 2 on bad usage.
 */
@Command(
    name = "posture",
    description = "Audit the Docker host's security posture once and print the findings.")
final class PostureCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A table with a header (several columns a finding), or JSON lines. */
  enum Format {
    TABLE,
    JSONL;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at or above this severity: ${COMPLETION-CANDIDATES}.")
  Severity failOn;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML config, for the Docker daemon's address (sources.docker.host); default "
              + "/etc/dockward/dockward.yaml when it exists, else the embedded defaults.")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<FindingSeverity> threshold =
        Optional.ofNullable(failOn).map(s -> FindingSeverity.parse(s.label()));
    AgentConfig c;
    try {
      c = ConfigChoice.resolve(config, DockwardCli.installed(spec)).config();
    } catch (ConfigException e) {
      err.println("dockward: " + e.getMessage());
      return 2;
    }
    List<PostureFinding> findings =
        PostureWiring.postureAudit(c).run().stream()
            .sorted(Comparator.comparing(PostureFinding::severity).reversed())
            .toList();
    if (format == Format.JSONL) {
      ObjectMapper json = new ObjectMapper();
      for (PostureFinding f : findings) {
        try {
          out.println(json.writeValueAsString(document(f)));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("a finding document is plain data", e);
        }
      }
    } else {
      out.println(
          String.format(
              "%-8s  %-40s  %-5s  %-30s  %s", "SEVERITY", "FINDING", "CIS", "SUBJECT", "SUMMARY"));
      for (PostureFinding f : findings) {
        String subject =
            f.container().map(ContainerInfo::name).map(n -> "container " + n).orElse("host");
        out.println(
            TextLine.escapeControls(
                String.format(
                    "%-8s  %-40s  %-5s  %-30s  %s",
                    f.severity().text().toUpperCase(Locale.ROOT),
                    f.id(),
                    f.cis().orElse("-"),
                    subject,
                    f.summary())));
      }
      out.println(findings.size() + " findings");
    }
    out.flush();
    boolean failed =
        threshold.isPresent()
            && findings.stream().anyMatch(f -> f.severity().compareTo(threshold.get()) >= 0);
    return failed ? 1 : 0;
  }

  /**
   * The finding as in a {@code posture_finding} record, with the container's identity when it has
   * one.
   */
  private static Map<String, Object> document(PostureFinding f) {
    Map<String, Object> doc = new LinkedHashMap<>(f.document());
    f.container()
        .ifPresent(
            c -> {
              Map<String, Object> id = new LinkedHashMap<>();
              id.put("id", c.id());
              id.put("name", c.name());
              id.put("image", c.image());
              doc.put("container", id);
            });
    return doc;
  }
}
