package dev.dockward.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.AgentLifecycle;
import dev.dockward.event.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class AgentLifecycleSourceTest {
  @Test
  void startedHeartbeatsAndStoppedCarryTheLostEventsSoFarAndSinceTheLastOne() {
    AtomicLong lost = new AtomicLong(2);
    List<Event> events = new CopyOnWriteArrayList<>();
    AgentLifecycleSource source = new AgentLifecycleSource(lost::get, Duration.ofMillis(20), Clock.systemUTC(), "9.9");
    source.start(events::add);
    AgentLifecycle started = (AgentLifecycle) events.get(0);
    assertEquals("agent_started", started.type());
    assertEquals(2, started.dropsNew(), "what was lost before the first record counts as new");

    lost.set(7);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (events.stream().noneMatch(e -> ((AgentLifecycle) e).dropsNew() == 5) && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    source.close();

    AgentLifecycle grew = events.stream().map(AgentLifecycle.class::cast).filter(e -> e.dropsNew() == 5).findFirst()
        .orElseThrow(() -> new AssertionError("no heartbeat reported the 5 new drops: " + events));
    assertEquals("agent_heartbeat", grew.type());
    assertEquals(7, grew.drops());
    AgentLifecycle last = (AgentLifecycle) events.get(events.size() - 1);
    assertEquals("agent_stopped", last.type());
    assertEquals(0, last.dropsNew());
    assertEquals("9.9", last.version());
    assertTrue(events.stream().filter(e -> e.type().equals("agent_stopped")).count() == 1);
  }

  @Test
  void journalOverflowIsARecordOfTheSchemaThatTheBundledRuleAlertsOn() throws Exception {
    List<Event> events = new CopyOnWriteArrayList<>();
    AgentLifecycleSource source = new AgentLifecycleSource(() -> 0, Duration.ofHours(1), Clock.systemUTC(), "9.9");
    source.start(events::add);
    source.journalOverflow(230, 1230);
    source.close();
    AgentLifecycle overflow = (AgentLifecycle) events.get(1);
    assertEquals("agent_journal_overflow", overflow.type());
    assertEquals(230, overflow.dropsNew());
    assertEquals(1230, overflow.drops());

    java.util.Map<String, Object> record = dev.dockward.event.EventDocuments.of(overflow,
        new dev.dockward.event.HostInfo("h", "0123456789abcdef0123456789abcdef"), "0123456789ab-0000000000000001");
    String line = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(record);
    assertEquals(List.of(), new dev.dockward.agent.schema.RecordSchema().problems(line));
    dev.dockward.agent.detect.RuleDetector rules = new dev.dockward.agent.detect.RuleDetector(
        new dev.dockward.rules.RuleEngine(dev.dockward.agent.detect.RuleSetLoading.load(true, List.of(),
            new java.io.PrintWriter(System.err, true)).ruleSet()));
    List<java.util.Map<String, Object>> alerts = rules.alertsFor(record, () -> "0123456789ab-0000000000000002");
    assertEquals(List.of("journal_overflow"), alerts.stream().map(a -> a.get("rule")).toList());
    assertTrue(String.valueOf(alerts.get(0).get("summary")).contains("deleted 230 journalled records"),
        alerts.get(0).toString());
  }
}
