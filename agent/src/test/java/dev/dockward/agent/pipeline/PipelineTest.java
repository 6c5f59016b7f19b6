package dev.dockward.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.event.AgentLifecycle;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.HostInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.source.ContainerDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's order and failure handling, on a real journal with a stand-in detector. */
class PipelineTest {
  private static final String ID =
      "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
  private static final HostInfo HOST =
      new HostInfo("test-host", "0123456789abcdef0123456789abcdef");
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();

  private static ProcessObserved shellIn(ContainerInfo container) {
    ProcessInfo sh =
        new ProcessInfo(
            4242,
            4200,
            123456L,
            "sh",
            "/bin/sh",
            "sh -c id",
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0xa80425fbL),
            Map.of("mnt", 4026532254L),
            "/docker/" + ID);
    return new ProcessObserved(
        Instant.parse("2026-11-23T05:00:00Z"), "proc_scan", sh, Optional.of(container));
  }

  private static ContainerInfo named(String name) {
    ContainerInfo u = ContainerInfo.unresolved(ID);
    return new ContainerInfo(
        ID,
        name,
        "nginx:1.25",
        "sha256:1",
        Map.of(),
        false,
        List.of(),
        List.of(),
        List.of(),
        u.namespaces(),
        List.of(),
        u.limits(),
        OptionalLong.of(4200),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  private List<Map<String, Object>> journalled() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        out.add(json.readValue(r.get().json(), MAP));
      }
    }
    return out;
  }

  private Pipeline pipeline(
      ChronicleJournal journal, ContainerDirectory directory, Detector detector) {
    return new Pipeline(
        16, directory, HOST, new RecordIds("0123456789ab", 0, 1), journal, detector);
  }

  @Test
  void containerKnownOnlyByIdIsFilledInFromTheDirectoryAndTheAlertFollowsItsEvent()
      throws IOException {
    Detector oneAlert =
        (event, ids) -> {
          Map<String, Object> alert = new LinkedHashMap<>();
          alert.put("kind", "alert");
          alert.put("id", ids.get());
          alert.put("event_id", event.get("id"));
          alert.put("container_name", ((Map<?, ?>) event.get("container")).get("name"));
          return List.of(alert);
        };
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p = pipeline(journal, id -> Optional.of(named("web")), oneAlert);
      p.process(shellIn(ContainerInfo.unresolved(ID)));
      assertEquals(1, p.stats().events());
      assertEquals(1, p.stats().alerts());
    }
    List<Map<String, Object>> records = journalled();
    assertEquals(2, records.size());
    Map<String, Object> event = records.get(0);
    assertEquals("exec", event.get("type"));
    assertEquals("0123456789ab-00000000000000000000000000000001", event.get("id"));
    assertEquals("web", ((Map<?, ?>) event.get("container")).get("name"));
    assertEquals("nginx:1.25", ((Map<?, ?>) event.get("container")).get("image"));
    assertEquals("test-host", ((Map<?, ?>) event.get("host")).get("name"));
    Map<String, Object> alert = records.get(1);
    assertEquals("0123456789ab-00000000000000000000000000000002", alert.get("id"));
    assertEquals(event.get("id"), alert.get("event_id"));
    assertEquals("web", alert.get("container_name"), "the detector saw the enriched record");
  }

  @Test
  void anEventWhoseEnrichmentFailsIsJournalledAsSeenAndTheNextOneIsEnrichedAsUsual()
      throws IOException {
    java.util.concurrent.atomic.AtomicInteger lookups =
        new java.util.concurrent.atomic.AtomicInteger();
    ContainerDirectory failingOnce =
        id -> {
          if (lookups.getAndIncrement() == 0) {
            throw new IllegalStateException("the daemon answered something unexpected");
          }
          return Optional.of(named("web"));
        };
    Detector oneAlert = (event, ids) -> List.of(Map.of("kind", "alert", "id", ids.get()));
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p = pipeline(journal, failingOnce, oneAlert);
      p.process(shellIn(ContainerInfo.unresolved(ID)));
      p.process(shellIn(ContainerInfo.unresolved(ID)));
      assertEquals(2, p.stats().events());
      assertEquals(1, p.stats().enrichFailures());
      assertEquals(0, p.stats().unrecordable());
      assertEquals(2, p.stats().alerts(), "the detector ran on both");
    }
    List<Map<String, Object>> events =
        journalled().stream().filter(r -> "event".equals(r.get("kind"))).toList();
    assertEquals(2, events.size());
    Map<?, ?> unenriched = (Map<?, ?>) events.get(0).get("container");
    assertEquals(ID, unenriched.get("id"), "the container the source named is kept");
    assertEquals("", unenriched.get("name"), "an unresolved container has no name");
    assertEquals("web", ((Map<?, ?>) events.get(1).get("container")).get("name"));
  }

  @Test
  void theShippersAreWokenOnceAfterAnEventsAlertsAreJournalledAndNotForEventsWithout()
      throws IOException {
    java.util.concurrent.atomic.AtomicInteger wakes =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger journalledWhenWoken =
        new java.util.concurrent.atomic.AtomicInteger(-1);
    Detector twoAlertsForWeb =
        (event, ids) ->
            "web".equals(((Map<?, ?>) event.get("container")).get("name"))
                ? List.of(
                    Map.of("kind", "alert", "id", ids.get()),
                    Map.of("kind", "alert", "id", ids.get()))
                : List.of();
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p =
          new Pipeline(
              16,
              id -> Optional.empty(),
              HOST,
              new RecordIds("0123456789ab", 0, 1),
              journal,
              twoAlertsForWeb,
              () -> {
                wakes.incrementAndGet();
                journalledWhenWoken.set(journal.lastRecord().isPresent() ? 1 : 0);
              });
      p.process(shellIn(named("db")));
      assertEquals(0, wakes.get(), "an event without alerts wakes nobody");
      p.process(shellIn(named("web")));
      assertEquals(1, wakes.get(), "one wake-up for the event's two alerts");
      assertEquals(1, journalledWhenWoken.get());
    }
    assertEquals(
        4, journalled().size(), "two events, two alerts, all journalled before the wake-up");
  }

  @Test
  void containerTheDirectoryDoesNotKnowKeepsItsId() throws IOException {
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      pipeline(journal, id -> Optional.empty(), (e, ids) -> List.of())
          .process(shellIn(ContainerInfo.unresolved(ID)));
    }
    Map<?, ?> container = (Map<?, ?>) journalled().get(0).get("container");
    assertEquals(ID, container.get("id"));
    assertEquals("", container.get("name"));
  }

  @Test
  void aContainerGoneFromTheInventoryBeforeItsEventIsEnrichedIsServedFromItsSnapshot()
      throws IOException {
    java.util.Map<String, ContainerInfo> inventory = new java.util.HashMap<>();
    Detector nameOfTheContainer =
        (event, ids) ->
            List.of(
                Map.of(
                    "kind",
                    "alert",
                    "id",
                    ids.get(),
                    "container_name",
                    ((Map<?, ?>) event.get("container")).get("name"),
                    "container_image",
                    ((Map<?, ?>) event.get("container")).get("image")));
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p =
          pipeline(journal, id -> Optional.ofNullable(inventory.get(id)), nameOfTheContainer);
      inventory.put(ID, named("short-lived"));
      p.process(
          new dev.dockward.event.ContainerStarted(
              Instant.parse("2026-11-23T05:00:00Z"), named("short-lived"), false));
      inventory.remove(ID); // docker run --rm: destroyed before the /proc scan's event is handled
      p.process(shellIn(ContainerInfo.unresolved(ID)));
      assertEquals(1, p.stats().containersFromSnapshot());
      p.process(shellIn(ContainerInfo.unresolved("d".repeat(64))));
      assertEquals(
          1, p.stats().containersUnresolved(), "a container never seen keeps its id alone");
    }
    List<Map<String, Object>> records = journalled();
    Map<String, Object> exec = records.get(2);
    assertEquals("exec", exec.get("type"));
    assertEquals("short-lived", ((Map<?, ?>) exec.get("container")).get("name"));
    assertEquals("sha256:1", ((Map<?, ?>) exec.get("container")).get("image_id"));
    assertEquals("short-lived", records.get(3).get("container_name"), "the alert too");
    assertEquals("nginx:1.25", records.get(3).get("container_image"));
    assertEquals("", ((Map<?, ?>) records.get(4).get("container")).get("name"));
  }

  @Test
  void aFailingDetectorIsCountedAndTheEventIsStillJournalled() throws IOException {
    Detector broken =
        (e, ids) -> {
          throw new IllegalStateException("rule engine bug");
        };
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p = pipeline(journal, id -> Optional.empty(), broken);
      p.process(shellIn(named("a")));
      p.process(shellIn(named("b")));
      assertEquals(2, p.stats().detectorFailures());
      assertEquals(2, p.stats().events());
    }
    assertEquals(2, journalled().size());
  }

  @Test
  void eventsHandedToTheQueueAreAllJournalledBeforeCloseReturns() throws Exception {
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p = pipeline(journal, id -> Optional.empty(), (e, ids) -> List.of());
      p.start();
      for (int i = 0; i < 100; i++) {
        p.accept(shellIn(named("c" + i)));
      }
      p.close();
      assertEquals(100, p.stats().events());
    }
    assertEquals(100, journalled().size());
    assertTrue(journalled().stream().allMatch(r -> "exec".equals(r.get("type"))));
  }

  @Test
  void aLifecycleRecordWakesTheShippersOfAlertsLikeAnAlertAndAPlainEventDoesNot()
      throws IOException {
    AtomicInteger woken = new AtomicInteger();
    Detector none = (event, ids) -> List.of();
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline p =
          new Pipeline(
              16,
              id -> Optional.of(named("web")),
              HOST,
              new RecordIds("0123456789ab", 0, 1),
              journal,
              none,
              woken::incrementAndGet);
      p.process(shellIn(ContainerInfo.unresolved(ID)));
      assertEquals(0, woken.get(), "an event without alerts wakes no shipper of alerts");
      p.process(
          new AgentLifecycle(
              Instant.parse("2026-11-23T05:00:00Z"),
              AgentLifecycle.Phase.HEARTBEAT,
              "0.1.0",
              Duration.ofSeconds(30),
              0,
              0));
      assertEquals(
          1, woken.get(), "an agent_heartbeat is shipped like an alert: its shippers are woken");
    }
  }

  @Test
  void caughtUpRunsOnceTheQueuedEventsAreAllJournalledNotOncePerEvent() throws Exception {
    AtomicInteger caughtUp = new AtomicInteger();
    List<Long> journalledWhenCaughtUp = new CopyOnWriteArrayList<>();
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(dir, "hourly")) {
      Pipeline[] p = new Pipeline[1];
      p[0] =
          new Pipeline(
              16,
              id -> Optional.of(named("web")),
              HOST,
              new RecordIds("0123456789ab", 0, 1),
              journal,
              (event, ids) -> List.of(),
              () -> {},
              () -> {
                journalledWhenCaughtUp.add(p[0].stats().events());
                caughtUp.incrementAndGet();
              });
      // Queued before the thread starts: one burst, drained in one go.
      for (int i = 0; i < 3; i++) {
        p[0].accept(shellIn(ContainerInfo.unresolved(ID)));
      }
      p[0].start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (caughtUp.get() == 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      p[0].close();
    }
    assertEquals(
        List.of(3L), journalledWhenCaughtUp, "one signal, after the third event was journalled");
    assertEquals(3, journalled().size());
  }
}
