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
}
