package dev.dockward.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Reads and validates a config file; every problem names the file, the line and the key. */
public final class ConfigLoader {
  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
          .registerModule(ConfigValues.module());

  public AgentConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("config " + file + ": cannot read (" + e + ")", e);
    }
    return parse(file.toString(), text);
  }

  public AgentConfig parse(String origin, String text) throws ConfigException {
    AgentConfig config;
    try {
      config = text.isBlank() ? AgentConfig.DEFAULT : yaml.readValue(text, AgentConfig.class);
      if (config == null) {
        config = AgentConfig.DEFAULT;
      }
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", "));
      JsonLocation at =
          KeyLocator.find(text, parents(e), e.getPropertyName()).orElse(e.getLocation());
      throw new ConfigException(
          where(origin, at)
              + "unknown key '"
              + e.getPropertyName()
              + "'"
              + parentOf(e)
              + (known.isEmpty() ? "" : " (known keys: " + known + ")"),
          e);
    } catch (JsonMappingException e) {
      throw new ConfigException(
          where(origin, keyLocation(text, e))
              + "invalid value"
              + at(e)
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          where(origin, e.getLocation()) + "not valid YAML: " + e.getOriginalMessage(), e);
    }
    validate(origin, config);
    return config;
  }

  private static void validate(String origin, AgentConfig c) throws ConfigException {
    check(origin, "journal.dir", !c.journal().dir().isBlank(), "must not be empty");
    checkDuration(origin, "journal.retention.max_age", c.journal().retention().maxAge());
    checkDuration(origin, "sources.proc_scan.interval", c.sources().procScan().interval());
    checkDuration(origin, "sources.docker.max_backoff", c.sources().docker().maxBackoff());
    checkDuration(origin, "sources.cgroup.interval", c.sources().cgroup().interval());
    checkDuration(origin, "posture.interval", c.posture().interval());
    checkVersions(origin, "posture.min_docker_version", c.posture().minDockerVersion());
    checkVersions(origin, "posture.min_kernel_version", c.posture().minKernelVersion());
    AgentConfig.Network net = c.sources().network();
    checkDuration(origin, "sources.network.rescan_interval", net.rescanInterval());
    checkDuration(origin, "sources.network.idle_timeout", net.idleTimeout());
    checkDuration(origin, "sources.network.active_timeout", net.activeTimeout());
    checkDuration(origin, "sources.network.scan_window", net.scanWindow());
    checkDuration(origin, "sources.network.learning.period", net.learning().period());
    check(
        origin,
        "sources.network.learning.max_edges",
        net.learning().maxEdges() >= 1,
        "must be at least 1");
    check(
        origin,
        "sources.network.learning.max_ports_per_pair",
        net.learning().maxPortsPerPair() >= 1,
        "must be at least 1");
    check(
        origin,
        "sources.network.learning.scan_threshold",
        net.learning().scanThreshold() >= 1,
        "must be at least 1");
    check(
        origin,
        "sources.network.snap_length",
        net.snapLength() >= 64 && net.snapLength() <= 65_535,
        "must be 64..65535");
    check(
        origin,
        "sources.network.ring_mb",
        net.ringMb() >= 2 && net.ringMb() <= 1024,
        "must be 2..1024");
    check(origin, "sources.network.max_flows", net.maxFlows() >= 1, "must be at least 1");
    if (!net.policy().isBlank()) {
      new NetworkPolicyLoader()
          .load(Path.of(net.policy())); // a broken policy names its file and line
    }
    checkDuration(origin, "sources.host_watch.interval", c.sources().hostWatch().interval());
    checkDuration(
        origin, "sources.host_watch.socket_interval", c.sources().hostWatch().socketInterval());
    AgentConfig.FileSink file = c.sinks().file();
    check(origin, "sinks.file.path", !file.path().isBlank(), "must not be empty");
    check(origin, "sinks.file.max_files", file.maxFiles() >= 0, "must be 0 or more");
    AgentConfig.Kafka kafka = c.sinks().kafka();
    if (kafka.enabled()) {
      check(
          origin,
          "sinks.kafka.bootstrap_servers",
          BootstrapServers.valid(kafka.bootstrapServers()),
          "must be host:port[,host:port…] when sinks.kafka.enabled is true, not '"
              + kafka.bootstrapServers()
              + "'");
    }
    check(
        origin,
        "sinks.kafka.topics.alerts",
        !kafka.topics().alerts().isBlank(),
        "must not be empty");
    check(
        origin,
        "sinks.kafka.topics.events",
        !kafka.topics().events().isBlank(),
        "must not be empty");
    for (String key : kafka.properties().keySet()) {
      check(
          origin,
          "sinks.kafka.properties." + key,
          !BootstrapServers.FIXED_PRODUCER_PROPERTIES.contains(key),
          "is set by dockward ("
              + String.join(", ", BootstrapServers.FIXED_PRODUCER_PROPERTIES)
              + " carry its delivery guarantee; the servers go in sinks.kafka.bootstrap_servers)");
    }
    checkDuration(origin, "pipeline.heartbeat", c.pipeline().heartbeat());
    check(
        origin,
        "pipeline.queue_capacity",
        c.pipeline().queueCapacity() >= 16,
        "must be at least 16");
    check(
        origin,
        "metrics.port",
        c.metrics().port() >= 0 && c.metrics().port() <= 65535,
        "must be 0 to 65535");
    check(
        origin,
        "alerts.rule_per_minute",
        c.alerts().rulePerMinute() >= 0,
        "must be 0 (no cap) or more");
    check(
        origin,
        "alerts.global_per_minute",
        c.alerts().globalPerMinute() >= 0,
        "must be 0 (no cap) or more");
    check(origin, "metrics.address", !c.metrics().address().isBlank(), "must not be empty");
  }

  /** Durations are read at load ({@link ConfigValues}); the ones that pace a loop must not be 0. */
  private static void checkDuration(String origin, String key, Duration value)
      throws ConfigException {
    check(origin, key, !value.isZero(), "must be more than 0");
  }

  /** Release numbers as the audit compares them ({@code 25.0.6}, {@code 5.10}). */
  private static void checkVersions(String origin, String key, List<String> versions)
      throws ConfigException {
    for (String v : versions) {
      check(
          origin,
          key,
          v != null && v.matches("v?[0-9]+\\.[0-9]+(\\.[0-9]+)?"),
          "'" + v + "' is not a release like \"25.0.6\" or \"5.10\"");
    }
  }

  private static void check(String origin, String key, boolean ok, String message)
      throws ConfigException {
    if (!ok) {
      throw new ConfigException(origin + ": " + key + ": " + message);
    }
  }

  private static String where(String origin, JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return origin + ": ";
    }
    return origin + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
  }

  /**
   * Where the key of the error is written: Jackson places errors of record-bound objects where the
   * object ends, so the key's own line is looked up.
   */
  private static JsonLocation keyLocation(String text, JsonMappingException e) {
    var refs = e.getPath();
    String key = refs.isEmpty() ? null : refs.get(refs.size() - 1).getFieldName();
    return key == null
        ? e.getLocation()
        : KeyLocator.find(text, parents(e), key).orElse(e.getLocation());
  }

  private static List<String> parents(JsonMappingException e) {
    var refs = e.getPath();
    return refs.subList(0, Math.max(0, refs.size() - 1)).stream()
        .map(r -> r.getFieldName() == null ? "" : r.getFieldName())
        .toList();
  }

  private static String parentOf(JsonMappingException e) {
    String path = pathOf(e, 1);
    return path.isEmpty() ? " at the top level" : " under '" + path + "'";
  }

  private static String at(JsonMappingException e) {
    String path = pathOf(e, 0);
    return path.isEmpty() ? "" : " for '" + path + "'";
  }

  /** The dotted key path of the error, less its last {@code drop} elements. */
  private static String pathOf(JsonMappingException e, int drop) {
    var refs = e.getPath();
    return refs.subList(0, Math.max(0, refs.size() - drop)).stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
