package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.schema.RecordSchema;
import dev.dockward.host.MachineFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Alerts gain host.os once the machine's facts are read; events and earlier alerts are left alone.
 */
class HostOsEnricherTest {
  private static final Map<String, Object> HOST =
      Map.of("name", "web-07", "id", "3d1219c7c4c5404aaa1f6d2a48adfda4");

  private static Map<String, Object> alert() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("schema", 1L);
    a.put("kind", "alert");
    a.put("id", "3d1219c7c4c5-000000000000002a");
    a.put("time", "2026-11-22T18:02:11.431Z");
    a.put("host", HOST);
    a.put("rule", "journal_overflow");
    a.put("severity", "high");
    a.put("tags", List.of("agent"));
    a.put("summary", "s");
    a.put("evidence", Map.of());
    a.put("event_id", "3d1219c7c4c5-0000000000000029");
    return a;
  }

  private static MachineFacts facts(Optional<String> family, Optional<String> kernel) {
    return new MachineFacts(
        family,
        Optional.of("12"),
        kernel,
        Optional.empty(),
        kernel,
        Optional.of("x86_64"),
        Optional.empty(),
        OptionalInt.of(2),
        OptionalLong.of(1L << 30),
        Optional.of(Instant.EPOCH.plusSeconds(9)),
        Optional.empty(),
        Optional.empty(),
        Duration.ofMillis(5),
        List.of());
  }

  @Test
  void alertsCarryTheOsOnceTheFactsAreRead() throws Exception {
    Map<String, Object> original = alert();
    Detector inner = (event, ids) -> List.of(original);
    AtomicReference<Optional<MachineFacts>> read = new AtomicReference<>(Optional.empty());
    HostOsEnricher detector = new HostOsEnricher(inner, read::get);

    assertSame(
        original, detector.alertsFor(Map.of(), () -> "x").get(0), "before the facts: as it was");

    read.set(Optional.of(facts(Optional.of("Debian GNU/Linux"), Optional.of("6.6.6-fixture"))));
    Map<String, Object> alert = detector.alertsFor(Map.of(), () -> "x").get(0);
    assertEquals(
        Map.of(
            "name",
            "web-07",
            "id",
            "3d1219c7c4c5404aaa1f6d2a48adfda4",
            "os",
            Map.of("name", "Debian GNU/Linux", "version", "12", "kernel", "6.6.6-fixture")),
        alert.get("host"));
    assertEquals(HOST, original.get("host"), "the inner detector's alert is not changed");
    assertEquals(
        List.of(), new RecordSchema().problems(new ObjectMapper().writeValueAsString(alert)));
  }

  @Test
  void onlyTheOsFactsThatAreKnown() {
    Detector inner = (event, ids) -> List.of(alert());
    HostOsEnricher detector =
        new HostOsEnricher(
            inner, () -> Optional.of(facts(Optional.empty(), Optional.of("5.10.0-fixture"))));
    @SuppressWarnings("unchecked")
    Map<String, Object> host =
        (Map<String, Object>) detector.alertsFor(Map.of(), () -> "x").get(0).get("host");
    assertEquals(Map.of("version", "12", "kernel", "5.10.0-fixture"), host.get("os"));

    MachineFacts none = MachineFacts.none(Duration.ZERO, List.of("oshi"));
    HostOsEnricher empty = new HostOsEnricher(inner, () -> Optional.of(none));
    @SuppressWarnings("unchecked")
    Map<String, Object> bare =
        (Map<String, Object>) empty.alertsFor(Map.of(), () -> "x").get(0).get("host");
    assertFalse(bare.containsKey("os"), "no empty os object");
  }
}
