package dev.dockward.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sample Grafana dashboard in docs/monitoring queries only metrics the agent exports: the
 * {@code dockward_*} metrics its main code registers (counters with Prometheus's {@code _total}),
 * and the {@code jvm_*} / {@code process_*} samples of the JVM metrics it registers, as a scrape of
 * those prints them.
 */
class SampleDashboardTest {
  private static final Path DASHBOARD = Path.of("../docs/monitoring/grafana-dashboard.json");
  private static final Pattern REGISTERED =
      Pattern.compile("(\\w+)\\.builder\\(\\)\\s*\\.name\\(\"(dockward_[a-z_]+)\"\\)");
  private static final Pattern ANY_NAME = Pattern.compile("\\.name\\(\"(dockward_[a-z_]+)\"\\)");
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset");

  @Test
  void everyMetricTheDashboardQueriesIsOneTheAgentExports() throws Exception {
    Set<String> exported = exported();
    List<String> queries = new ArrayList<>();
    collectQueries(new ObjectMapper().readTree(DASHBOARD.toFile()), queries);
    assertTrue(queries.size() >= 30, "the dashboard's queries were found: " + queries.size());

    Set<String> used = new TreeSet<>();
    for (String q : queries) {
      used.addAll(metricNames(q));
    }
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(exported);
    assertEquals(
        Set.of(),
        unknown,
        "metrics the dashboard queries that the agent does not export; exported: " + exported);
    assertTrue(
        used.contains("dockward_alerts_total") && used.contains("process_cpu_seconds_total"),
        used.toString());
  }

  @Test
  void theNameReaderFindsMetricsAndSkipsFunctionsLabelsAndVariables() {
    assertEquals(
        Set.of("dockward_nope_total", "dockward_events_total"),
        metricNames(
            "sum by (sink, rule) (rate(dockward_nope_total{sink=~\"$sink\",rule=\"x_y\"}[$__rate_interval]))"
                + " / on(instance) group_left sum(rate(dockward_events_total[5m])) or vector(0)"));
    assertEquals(
        Set.of("dockward_build_info"), metricNames("label_values(dockward_build_info, instance)"));
    assertEquals(
        Set.of("dockward_ship_last_success_timestamp_seconds"),
        metricNames(
            "time() - max by (instance, sink) (dockward_ship_last_success_timestamp_seconds)"));
  }

  /**
   * dockward_* from the main code's builders; jvm_* and process_* from a scrape of the JVM metrics.
   */
  private static Set<String> exported() throws Exception {
    Set<String> names = new TreeSet<>();
    int builders = 0;
    int named = 0;
    boolean jvm = false;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String code = Files.readString(f);
        Matcher m = REGISTERED.matcher(code);
        while (m.find()) {
          builders++;
          switch (m.group(1)) {
            case "CounterWithCallback", "Counter" -> names.add(m.group(2) + "_total");
            case "GaugeWithCallback", "Gauge" -> names.add(m.group(2));
            default ->
                throw new AssertionError(
                    "a metric type this test does not know the samples of: "
                        + m.group(1)
                        + " "
                        + m.group(2)
                        + " in "
                        + f);
          }
        }
        Matcher any = ANY_NAME.matcher(code);
        while (any.find()) {
          named++;
        }
        jvm |= code.contains("JvmMetrics.builder().register(registry)");
      }
    }
    assertEquals(named, builders, "every metric name in the main code is read with its type");
    assertTrue(
        names.contains("dockward_source_up") && names.contains("dockward_alerts_total"),
        names.toString());
    if (jvm) {
      PrometheusRegistry registry = new PrometheusRegistry();
      JvmMetrics.builder().register(registry);
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(text, registry.scrape());
      for (String line : text.toString(StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          names.add(line.split("[{ ]", 2)[0]);
        }
      }
      assertTrue(names.contains("process_cpu_seconds_total"), names.toString());
    }
    return names;
  }

  /**
   * Every "expr" of a target and every variable query ("definition", "query"), anywhere in the
   * JSON.
   */
  private static void collectQueries(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String key = field.getKey();
        JsonNode value = field.getValue();
        if ((key.equals("expr") || key.equals("definition") || key.equals("query"))
            && value.isTextual()
            && !value
                .asText()
                .equals("prometheus")) { // a datasource variable's query is its plugin type
          out.add(value.asText());
        } else {
          collectQueries(value, out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectQueries(child, out));
    }
  }

  /**
   * The metric names of a PromQL expression: identifiers left once strings, label matchers, range
   * selectors, grouping label lists and Grafana variables are taken out, that are not functions
   * (followed by "(") or PromQL keywords.
   */
  static Set<String> metricNames(String promql) {
    String q =
        promql
            .replaceAll("\"[^\"]*\"", "\"\"")
            .replaceAll("\\{[^}]*\\}", " ")
            .replaceAll("\\[[^\\]]*\\]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\w+", " ")
            .replaceAll("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,[^)]*\\)", " $1 ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(q);
    while (m.find()) {
      if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
