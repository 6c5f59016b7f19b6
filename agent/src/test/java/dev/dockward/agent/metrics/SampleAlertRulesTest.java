package dev.dockward.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sample Prometheus alerting rules in docs/monitoring only use metrics the agent registers
 * (their names as built in the agent's main code, with Prometheus's {@code _total} for counters).
 */
class SampleAlertRulesTest {
  private static final Pattern METRIC = Pattern.compile("\\bdockward_[a-z_]+");
  private static final Pattern REGISTERED = Pattern.compile("\\.name\\(\"(dockward_[a-z_]+)\"\\)");

  @Test
  void everyMetricTheSampleRulesUseIsOneTheAgentRegisters() throws Exception {
    Set<String> registered = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String code = Files.readString(f);
        Matcher m = REGISTERED.matcher(code);
        while (m.find()) {
          registered.add(m.group(1));
          registered.add(m.group(1) + "_total"); // counters are exposed with the suffix
        }
      }
    }
    assertTrue(registered.contains("dockward_source_up"), registered.toString());
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("../docs/monitoring/prometheus-alerts.yaml").toFile());
    int checked = 0;
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        Matcher m = METRIC.matcher(rule.get("expr").asText());
        while (m.find()) {
          assertTrue(
              registered.contains(m.group()),
              rule.get("alert").asText()
                  + " uses "
                  + m.group()
                  + ", which the agent does not export; known: "
                  + registered);
          checked++;
        }
      }
    }
    assertTrue(checked >= 7, "the rules name the agent's metrics: " + checked);
  }
}
