package dev.dockward.agent.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LifecycleWiringTest {
  @Test
  void onlyTheCountersASourceDeclaresAsLossesAreLost() {
    // "pending_drops" ends like a loss but is not declared one; "kernel_lost" is declared and does
    // not.
    Source netlink =
        source(
            Map.of(
                "overrun_drops", 3L, "queue_drops", 40L, "pending_drops", 500L, "vanished", 6000L),
            Set.of("overrun_drops", "queue_drops"));
    Source audit =
        source(Map.of("kernel_lost", 70_000L, "argv_incomplete", 800_000L), Set.of("kernel_lost"));
    Source quiet = source(Map.of("unreadable", 9L), Set.of());

    assertEquals(3 + 40 + 70_000, LifecycleWiring.sourceLosses(List.of(netlink, audit, quiet)));
  }

  @Test
  void aDeclaredLossTheSourceDoesNotCountYetIsNone() {
    Source fresh = source(Map.of(), Set.of("overflow_drops"));

    assertEquals(0, LifecycleWiring.sourceLosses(List.of(fresh)));
  }

  private static Source source(Map<String, Long> counters, Set<String> losses) {
    return new Source() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public void start(EventSink sink) {}

      @Override
      public Map<String, Long> counters() {
        return counters;
      }

      @Override
      public Set<String> losses() {
        return losses;
      }

      @Override
      public void close() {}
    };
  }
}
