package dev.dockward.agent.ship.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.journal.RecordSamples;
import dev.dockward.event.AgentLifecycle;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.host.MachineFacts;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Every sample record (an event of every kind and the alerts the bundled rules raise on them), plus
 * the alerts again as a running agent may ship them (with the host's OS, repeats held back, values
 * cut, a schema violation marked, the image digest unknown), each mapped to a format and read back
 * from its JSON text as a consumer reads it.
 */
final class MappedSamples {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MappedSamples() {}

  /** The bundled rules' descriptions, as the running agent passes them. */
  static RuleDescriptions bundledDescriptions() {
    return new RuleDetector(new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet()))
        ::ruleDescription;
  }

  static List<Map<String, Object>> nativeRecords() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : RecordSamples.records()) {
      out.add(r);
      if ("alert".equals(r.get("kind"))) {
        out.add(asShipped(r));
      }
    }
    // The phases the samples lack, and agent_started with the machine's facts.
    HostInfo host = new HostInfo("web-07", "3d1219c7c4c5404aaa1f6d2a48adfda4");
    Instant t = Instant.parse("2026-11-22T18:02:11.431Z");
    MachineFacts facts =
        new MachineFacts(
            Optional.of("Debian GNU/Linux"),
            Optional.of("12"),
            Optional.of("12.5"),
            Optional.of("bookworm"),
            Optional.of("6.1.0-18-fixture"),
            Optional.of("x86_64"),
            Optional.of("Fixture CPU"),
            OptionalInt.of(2),
            OptionalLong.of(8_123_456_789L),
            Optional.of(t.minusSeconds(3600)),
            Optional.of(true),
            Optional.of("QEMU Standard PC"),
            Duration.ofMillis(987),
            List.of("machine_model"));
    out.add(
        EventDocuments.of(
            new AgentLifecycle(
                t, AgentLifecycle.Phase.STARTED, "9.9", Duration.ZERO, 0, 0, Optional.of(facts)),
            host,
            "3d1219c7c4c5-00000000000000000000000000000f01"));
    out.add(
        EventDocuments.of(
            new AgentLifecycle(t, AgentLifecycle.Phase.STOPPED, "9.9", Duration.ofHours(5), 7, 0),
            host,
            "3d1219c7c4c5-00000000000000000000000000000f02"));
    out.add(
        EventDocuments.of(
            new AgentLifecycle(
                t, AgentLifecycle.Phase.JOURNAL_OVERFLOW, "9.9", Duration.ofHours(1), 1234, 1234),
            host,
            "3d1219c7c4c5-00000000000000000000000000000f03"));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asShipped(Map<String, Object> alert) {
    Map<String, Object> a = new LinkedHashMap<>(alert);
    Map<String, Object> host = new LinkedHashMap<>((Map<String, Object>) a.get("host"));
    host.put(
        "os", Map.of("name", "Debian GNU/Linux", "version", "12", "kernel", "6.1.0-18-fixture"));
    a.put("host", host);
    a.put("suppressed", 4L);
    a.put("truncated", List.of(Map.of("path", "/process/cmdline", "length", 65025L)));
    a.put("truncated_unlisted", 3L);
    a.put("schema_errors", List.of("/process/pid: must be an integer"));
    if (a.get("container") instanceof Map<?, ?> c) {
      Map<String, Object> container = new LinkedHashMap<>((Map<String, Object>) c);
      container.remove("image_id");
      container.put("image", "registry.example:5000/team/web@sha256:" + "ab".repeat(32));
      a.put("container", container);
    }
    return a;
  }

  /** The mapped records (those the format changes) as JSON would give them back. */
  static List<Map<String, Object>> mapped(RecordFormat format) {
    RuleDescriptions descriptions = bundledDescriptions();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : nativeRecords()) {
      Map<String, Object> m = format.apply(r, descriptions);
      if (m != r) {
        out.add(roundTrip(m));
      }
    }
    return out;
  }

  static Map<String, Object> roundTrip(Map<String, Object> m) {
    try {
      return JSON.readValue(
          JSON.writeValueAsString(m), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<Object> at(Map<String, Object> m, String dotted) {
    Object v = m;
    for (String part : dotted.split("\\.")) {
      if (!(v instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return Optional.empty();
      }
      v = map.get(part);
    }
    return Optional.of(v);
  }
}
