package dev.dockward.agent.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.ship.Sink;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class SchemaCheckingSinkTest {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final String ALERT =
      "{\"schema\":1,\"kind\":\"alert\",\"id\":\"3d1219c7c4c5-0000000000000002\","
          + "\"time\":\"2026-11-22T18:02:11.431Z\",\"host\":{\"name\":\"h\",\"id\":\"3d1219c7c4c5404a\"},\"rule\":\"r\","
          + "\"severity\":\"high\",\"tags\":[],\"summary\":\"s\",\"evidence\":{},\"event_id\":\"3d1219c7c4c5-0000000000000001\"}";
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> texts = new ArrayList<>();
  private final List<Map<String, Object>> records = new ArrayList<>();
  private final Sink recording =
      new Sink() {
        @Override
        public String name() {
          return "kafka";
        }

        @Override
        public CompletionStage<Void> send(String text, Map<String, Object> record) {
          texts.add(text);
          records.add(record);
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final SchemaViolations violations = new SchemaViolations();
  private final SchemaCheckingSink sink =
      new SchemaCheckingSink(recording, PublishedSchema.load(), violations);

  private Map<String, Object> parse(String text) throws Exception {
    return json.readValue(text, MAP);
  }

  @Test
  void aConformingRecordGoesOutUntouched() throws Exception {
    Map<String, Object> record = parse(ALERT);
    sink.send(ALERT, record).toCompletableFuture().join();
    assertEquals(List.of(ALERT), texts);
    assertSame(record, records.get(0));
    assertTrue(violations.counts().isEmpty());
  }

  @Test
  void aBrokenRecordIsCountedAndShippedMarkedNeverSilently() throws Exception {
    String broken = ALERT.replace("\"high\"", "\"urgent\"");
    sink.send(broken, parse(broken)).toCompletableFuture().join();
    String noTime = ALERT.replace("\"time\":\"2026-11-22T18:02:11.431Z\",", "");
    sink.send(noTime, parse(noTime)).toCompletableFuture().join();

    assertEquals(Map.of(new SchemaViolations.Key("kafka", "alert"), 2L), violations.counts());
    Map<String, Object> shipped = parse(texts.get(0));
    assertEquals("urgent", shipped.get("severity"), "the record itself as journalled");
    List<?> problems = (List<?>) shipped.get(SchemaCheckingSink.MARKER);
    assertEquals(1, problems.size(), String.valueOf(problems));
    assertTrue(String.valueOf(problems.get(0)).contains("severity"), String.valueOf(problems));
    assertTrue(
        String.valueOf(parse(texts.get(1)).get(SchemaCheckingSink.MARKER)).contains("time"),
        texts.get(1));
    assertEquals(shipped, records.get(0), "routing sees the marked record too");
  }

  @Test
  void anEventIsCountedByItsType() throws Exception {
    Map<String, Object> exec =
        parse(ALERT.replace("\"kind\":\"alert\"", "\"kind\":\"event\",\"type\":\"exec\""));
    exec.put("process", Map.of("pid", -1L));
    sink.send(json.writeValueAsString(exec), exec).toCompletableFuture().join();
    assertEquals(Map.of(new SchemaViolations.Key("kafka", "event/exec"), 1L), violations.counts());
  }

  /** Prints what the check costs per record (a figure for docs/benchmarks.md, never asserted). */
  @Test
  void costPerRecordIsPrinted() throws Exception {
    ProcessInfo sh =
        new ProcessInfo(
            4242,
            4200,
            123456L,
            "sh",
            "/bin/busybox",
            "sh -c id",
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0xa80425fbL),
            Map.of("mnt", 4026532254L, "pid", 4026532257L),
            "/docker/" + "9f".repeat(32));
    Map<String, Object> event =
        EventDocuments.of(
            new ProcessObserved(
                Instant.parse("2026-11-22T18:02:11.431Z"),
                "netlink",
                sh,
                Optional.of(ContainerInfo.unresolved("9f".repeat(32)))),
            new HostInfo("h", "3d1219c7c4c5404aaa1f6d2a48adfda4"),
            "3d1219c7c4c5-0000000000000001");
    Map<String, Object> exec = parse(json.writeValueAsString(event));
    Map<String, Object> alert = parse(ALERT);
    PublishedSchema schema = PublishedSchema.load();
    for (Map<String, Object> record : List.of(exec, alert)) {
      for (int round = 0; round < 2; round++) { // the first round warms up
        int n = 20_000;
        long begin = System.nanoTime();
        for (int i = 0; i < n; i++) {
          assertTrue(schema.problems(json.valueToTree(record)).isEmpty());
        }
        double micros = (System.nanoTime() - begin) / 1e3 / n;
        if (round == 1) {
          System.out.printf("schema check of one %s record: %.1f µs%n", record.get("kind"), micros);
        }
      }
    }
    assertFalse(texts.size() > 0, "nothing was sent");
  }
}
