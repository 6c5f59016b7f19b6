package dev.dockward.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.ContainerStopped;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PokingSourceTest {
  @Test
  void everyDeliveredEventReachesTheSinkThenRunsTheHook() throws Exception {
    List<Event> delivered = new ArrayList<>();
    AtomicInteger pokes = new AtomicInteger();
    Event stop = new ContainerStopped(Instant.EPOCH, ContainerInfo.unresolved("abc"), OptionalInt.of(0));
    Source inner = new Source() {
      @Override public String name() { return "docker"; }
      @Override public void start(EventSink sink) {
        try {
          sink.accept(stop);
          sink.accept(stop);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      @Override public Map<String, Long> counters() { return Map.of("reconnects", 3L); }
      @Override public void close() { }
    };
    PokingSource poking = new PokingSource(inner, () -> {
      assertEquals(pokes.get() + 1, delivered.size(), "the event is delivered before the hook runs");
      pokes.incrementAndGet();
    });
    poking.start(delivered::add);
    assertEquals(2, delivered.size());
    assertEquals(2, pokes.get());
    assertEquals("docker", poking.name());
    assertEquals(Map.of("reconnects", 3L), poking.counters());
    assertEquals(Optional.empty(), poking.lastPass());
  }
}
