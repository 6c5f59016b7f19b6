package dev.dockward.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.schema.RecordSchema;
import dev.dockward.event.AgentLifecycle;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.SensorState;
import dev.dockward.host.MachineFacts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class AgentLifecycleSourceTest {
  @Test
  void startedHeartbeatsAndStoppedCarryTheLostEventsSoFarAndSinceTheLastOne() {
    AtomicLong lost = new AtomicLong(2);
    List<Event> events = new CopyOnWriteArrayList<>();
    AgentLifecycleSource source =
        new AgentLifecycleSource(lost::get, Duration.ofMillis(20), Clock.systemUTC(), "9.9");
    source.start(events::add);
    AgentLifecycle started = (AgentLifecycle) events.get(0);
    assertEquals("agent_started", started.type());
    assertEquals(2, started.dropsNew(), "what was lost before the first record counts as new");

    lost.set(7);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (events.stream().noneMatch(e -> ((AgentLifecycle) e).dropsNew() == 5)
        && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    source.close();

    AgentLifecycle grew =
        events.stream()
            .map(AgentLifecycle.class::cast)
            .filter(e -> e.dropsNew() == 5)
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no heartbeat reported the 5 new drops: " + events));
    assertEquals("agent_heartbeat", grew.type());
    assertEquals(7, grew.drops());
    AgentLifecycle last = (AgentLifecycle) events.get(events.size() - 1);
    assertEquals("agent_stopped", last.type());
    assertEquals(0, last.dropsNew());
    assertEquals("9.9", last.version());
    assertTrue(events.stream().filter(e -> e.type().equals("agent_stopped")).count() == 1);
  }

  @Test
  void dropsReportedWhileTheJournalRefusesRecordsAreReportedAgainOnceItTakesThem() {
    // A full disk: the journal refuses every record, the heartbeats with it; then space returns.
    AtomicLong lost = new AtomicLong();
    AtomicBoolean journalling = new AtomicBoolean(true);
    List<AgentLifecycle> journalled = new CopyOnWriteArrayList<>();
    AgentLifecycleSource source =
        new AgentLifecycleSource(
            lost::get,
            Duration.ofMillis(10),
            Clock.systemUTC(),
            "9.9",
            Optional.empty(),
            List::of,
            journalling::get);
    AtomicLong refused = new AtomicLong();
    source.start(
        e -> {
          if (journalling.get()) {
            journalled.add((AgentLifecycle) e);
          } else {
            refused.incrementAndGet();
          }
        });
    journalling.set(false);
    lost.set(1290);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // Heartbeats go by, each refused with the rest, while the count stands.
    while (refused.get() < 3 && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    assertTrue(refused.get() >= 3, "heartbeats refused: " + refused.get());
    journalling.set(true);
    while (journalled.stream().noneMatch(e -> e.dropsNew() > 0) && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    source.close();
    AgentLifecycle reported =
        journalled.stream()
            .filter(e -> e.dropsNew() > 0)
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no journalled heartbeat reported the drops: " + journalled));
    assertEquals(1290, reported.dropsNew(), "everything lost while the journal refused records");
    assertEquals(1290, reported.drops());
  }

  @Test
  void journalOverflowIsARecordOfTheSchemaThatTheBundledRuleAlertsOn() throws Exception {
    List<Event> events = new CopyOnWriteArrayList<>();
    AgentLifecycleSource source =
        new AgentLifecycleSource(() -> 0, Duration.ofHours(1), Clock.systemUTC(), "9.9");
    source.start(events::add);
    source.journalOverflow(230, 1230);
    source.close();
    AgentLifecycle overflow = (AgentLifecycle) events.get(1);
    assertEquals("agent_journal_overflow", overflow.type());
    assertEquals(230, overflow.dropsNew());
    assertEquals(1230, overflow.drops());

    java.util.Map<String, Object> record =
        dev.dockward.event.EventDocuments.of(
            overflow,
            new dev.dockward.event.HostInfo("h", "0123456789abcdef0123456789abcdef"),
            "0123456789ab-0000000000000001");
    String line = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(record);
    assertEquals(List.of(), new dev.dockward.agent.schema.RecordSchema().problems(line));
    dev.dockward.agent.detect.RuleDetector rules =
        new dev.dockward.agent.detect.RuleDetector(
            new dev.dockward.rules.RuleEngine(
                dev.dockward.agent.detect.RuleSetLoading.load(
                        true, List.of(), new java.io.PrintWriter(System.err, true))
                    .ruleSet()));
    List<java.util.Map<String, Object>> alerts =
        rules.alertsFor(record, () -> "0123456789ab-0000000000000002");
    assertEquals(List.of("journal_overflow"), alerts.stream().map(a -> a.get("rule")).toList());
    assertTrue(
        String.valueOf(alerts.get(0).get("summary")).contains("deleted 230 journalled records"),
        alerts.get(0).toString());
  }

  private static MachineFacts facts(String kernel) {
    return new MachineFacts(
        Optional.of("Debian GNU/Linux"),
        Optional.of("12"),
        Optional.of(kernel),
        Optional.of("bookworm"),
        Optional.of(kernel),
        Optional.of("x86_64"),
        Optional.empty(),
        OptionalInt.of(7),
        OptionalLong.of(123456789L),
        Optional.of(Instant.parse("2026-11-20T06:30:01Z")),
        Optional.of(true),
        Optional.empty(),
        Duration.ofMillis(1234),
        List.of("cpu_model"));
  }

  @Test
  void onlyAgentStartedCarriesTheHostFactsAndTheyConformToTheSchema() throws Exception {
    List<Event> events = new CopyOnWriteArrayList<>();
    AtomicLong asked = new AtomicLong();
    AgentLifecycleSource source =
        new AgentLifecycleSource(
            () -> 0,
            Duration.ofHours(1),
            Clock.systemUTC(),
            "9.9",
            Optional.of(
                () -> {
                  asked.incrementAndGet();
                  return facts("6.6.6-fixture");
                }));
    source.start(events::add);
    source.journalOverflow(1, 1);
    source.close();
    assertEquals(1, asked.get(), "asked once, at start");
    List<AgentLifecycle> records = events.stream().map(AgentLifecycle.class::cast).toList();
    assertEquals(
        List.of("agent_started", "agent_journal_overflow", "agent_stopped"),
        records.stream().map(Event::type).toList());
    assertEquals(
        Optional.of("6.6.6-fixture"),
        records.get(0).hostFacts().flatMap(MachineFacts::kernelRelease));
    assertTrue(records.subList(1, 3).stream().allMatch(r -> r.hostFacts().isEmpty()));

    Map<String, Object> doc =
        EventDocuments.of(
            records.get(0),
            new HostInfo("h", "0123456789abcdef0123456789abcdef"),
            "0123456789ab-0000000000000001");
    @SuppressWarnings("unchecked")
    Map<String, Object> hostFacts = (Map<String, Object>) doc.get("host_facts");
    assertEquals("6.6.6-fixture", hostFacts.get("kernel_release"));
    assertEquals(7L, hostFacts.get("cpu_logical"));
    assertEquals(123456789L, hostFacts.get("memory_bytes"));
    assertEquals("2026-11-20T06:30:01.000Z", hostFacts.get("boot_time"));
    assertEquals(1234L, hostFacts.get("read_ms"));
    assertEquals(List.of("cpu_model"), hostFacts.get("unreadable"));
    assertFalse(hostFacts.containsKey("cpu_model"), "an unread fact is left out, not empty");
    assertFalse(hostFacts.containsKey("machine_model"));
    String line = new ObjectMapper().writeValueAsString(doc);
    RecordSchema schema = new RecordSchema();
    assertEquals(List.of(), schema.problems(line));
    assertFalse(
        schema.problems(line.replace("\"read_ms\":1234", "\"read_ms\":1234,\"x\":1")).isEmpty(),
        "host_facts is closed");
    assertFalse(
        schema.problems(line.replace("\"cpu_logical\":7", "\"cpu_logical\":\"7\"")).isEmpty());
  }

  @Test
  void aSensorIsReportedNewlyDegradedOnceUntilItRecoversAndDegradesAgain() {
    List<Event> events = new CopyOnWriteArrayList<>();
    List<List<SensorState>> states =
        new CopyOnWriteArrayList<>(
            List.of(
                List.of(running("netlink"), degraded("host_writes", "no fanotify")),
                List.of(running("netlink"), degraded("host_writes", "no fanotify")),
                List.of(running("netlink"), running("host_writes")),
                List.of(
                    degraded("netlink", "dockward-nl-reader failed"),
                    degraded("host_writes", "no fanotify"))));
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    AgentLifecycleSource source =
        new AgentLifecycleSource(
            () -> 0,
            Duration.ofMillis(20),
            Clock.systemUTC(),
            "9.9",
            Optional.empty(),
            () -> states.get(Math.min(next.getAndIncrement(), states.size() - 1)));
    source.start(events::add);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (events.size() < 5 && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    source.close();
    List<AgentLifecycle> records = events.stream().map(AgentLifecycle.class::cast).toList();
    assertEquals(List.of("host_writes"), records.get(0).degradedNew(), "degraded at start: new");
    assertEquals(List.of(), records.get(1).degradedNew(), "still degraded: not new again");
    assertEquals(List.of(), records.get(2).degradedNew(), "recovered");
    assertEquals(
        List.of("netlink", "host_writes"),
        records.get(3).degradedNew(),
        "degraded again after recovering");
    assertEquals(
        List.of(), records.get(records.size() - 1).sensors(), "agent_stopped carries no states");
    Map<String, Object> doc =
        EventDocuments.of(records.get(3), new HostInfo("h", "3d1219c7c4c5"), "3d1219c7c4c5-1");
    @SuppressWarnings("unchecked")
    Map<String, Object> agent = (Map<String, Object>) doc.get("agent");
    assertEquals(List.of("netlink", "host_writes"), agent.get("degraded"));
    assertEquals(
        "netlink (dockward-nl-reader failed); host_writes (no fanotify)",
        agent.get("degraded_summary"));
  }

  private static SensorState running(String name) {
    return new SensorState(name, "running", "");
  }

  private static SensorState degraded(String name, String reason) {
    return new SensorState(name, "degraded", reason);
  }
}
