package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Map<String, Object> record(int i) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("id", "c" + i);
    // Outside the BMP, a lone surrogate, 2- and 3-byte characters, escapes.
    container.put("name", "caf\u00e9 \u20ac \ud83d\udc33 \ud800 \"quoted\"\n" + "x".repeat(i));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("schema", 1);
    r.put("id", "h-" + i);
    r.put("tags", List.of("a", "b"));
    r.put("container", container);
    // The long part where a record may hold it whole (RecordBounds): an event's command line.
    r.put("process", Map.of("cmdline", "x".repeat(i * 6)));
    return r;
  }

  private List<String> readAll() {
    List<String> read = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        read.add(r.get().json());
      }
    }
    return read;
  }

  @Test
  void recordsAreJournalledAsTheirJsonWithAnIntactChain() throws Exception {
    List<Map<String, Object>> written = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      JournalWriter w = new JournalWriter(j, JSON);
      // Lengths from 1 to 3 stop-bit bytes (the longest is over 16 KiB).
      for (int i : new int[] {0, 1, 5, 20, 300, 2500}) {
        w.append(record(i));
        written.add(record(i));
      }
    }
    List<String> read = readAll();
    assertEquals(written.size(), read.size());
    for (int i = 0; i < read.size(); i++) {
      assertTrue(
          read.get(i).startsWith("{") && read.get(i).endsWith("}"), "one document, no separator");
      assertEquals(
          written.get(i), JSON.readValue(read.get(i), new TypeReference<Map<String, Object>>() {}));
    }
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      ChainVerifier.Result result = new ChainVerifier().verify(j);
      assertTrue(result.intact(), result.toString());
      assertEquals(6, result.entries());
    }
  }

  @Test
  void byteAndStringAppendsWriteTheSameEntryBytes() {
    String json = "{\"name\":\"caf\u00e9\",\"pad\":\"" + "y".repeat(300) + "\"}";
    byte[] utf8 = ("xx" + json).getBytes(StandardCharsets.UTF_8);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      j.append(json);
      j.append(utf8, 2, utf8.length - 2);
    }
    // Old readers (Chronicle's readText, as replay tools built before the byte path) see the same
    // text.
    try (ChronicleQueue q = ChronicleQueue.singleBuilder(dir).readOnly(true).build();
        ExcerptTailer t = q.createTailer()) {
      assertEquals(json, t.readText());
      assertEquals(json, t.readText());
    }
    assertEquals(List.of(json, json), readAll());
  }

  @Test
  void bytesWithCharactersOutsideTheBmpAreJournalledReadably() {
    String json = "{\"name\":\"whale \ud83d\udc33\"}";
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      j.append(utf8, 0, utf8.length);
      j.append(json);
    }
    assertEquals(List.of(json, json), readAll());
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      assertTrue(new ChainVerifier().verify(j).intact());
    }
  }

  @Test
  void aRecordThatCannotBeEncodedIsRefusedAndTheNextOneIsWritten() {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      JournalWriter w = new JournalWriter(j, JSON);
      Map<String, Object> bad = new LinkedHashMap<>(record(1));
      bad.put("zz", new Object()); // Jackson has no serializer for a bare Object
      assertThrows(RuntimeException.class, () -> w.append(bad));
      w.append(record(2));
    }
    List<String> read = readAll();
    assertEquals(1, read.size());
    assertTrue(read.get(0).startsWith("{\"schema\":1,\"id\":\"h-2\""), read.get(0));
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      assertTrue(new ChainVerifier().verify(j).intact());
    }
  }

  @Test
  void aRecordWithAValueTheEncoderDoesNotWriteIsJournalledAsJacksonWritesIt() {
    Map<String, Object> odd = new LinkedHashMap<>(record(3));
    odd.put("count", new AtomicLong(42)); // types Jackson writes but the encoder leaves to it
    odd.put("grade", List.of('A'));
    Map<String, Object> normal = record(4);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      JournalWriter w = new JournalWriter(j, JSON);
      w.append(odd);
      w.append(normal);
      assertEquals(1, w.jacksonFallbacks(), "only the record with the odd values went to Jackson");
    }
    String oddJson = new String(RecordJsonEncoderTest.jackson(odd), StandardCharsets.UTF_8);
    assertTrue(oddJson.contains("\"count\":42,\"grade\":[\"A\"]"), oddJson);
    assertEquals(
        List.of(oddJson, new String(RecordJsonEncoderTest.jackson(normal), StandardCharsets.UTF_8)),
        readAll());
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      assertTrue(new ChainVerifier().verify(j).intact());
    }
  }

  @Test
  void aMapperConfiguredOtherwiseEncodesEveryRecordItsOwnWay() {
    ObjectMapper indenting = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectMapper sorting =
        new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    assertTrue(
        JournalWriter.encoderMatches(JSON, JSON.getFactory()),
        "a plain mapper: the encoder writes its bytes");
    assertFalse(JournalWriter.encoderMatches(indenting, indenting.getFactory()));
    assertFalse(JournalWriter.encoderMatches(sorting, sorting.getFactory()));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("z", 1);
    r.put("a", "x");
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      JournalWriter w = new JournalWriter(j, sorting);
      w.append(r);
      assertEquals(0, w.jacksonFallbacks(), "not a fallback: this writer never uses the encoder");
    }
    assertEquals(List.of("{\"a\":\"x\",\"z\":1}"), readAll());
  }
}
