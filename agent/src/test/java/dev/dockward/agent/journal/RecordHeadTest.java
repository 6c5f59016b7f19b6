package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordHeadTest {
  private final JsonFactory factory = new JsonFactory();

  @Test
  void topLevelKindAndTypeAreReadWhereverTheyStand() throws IOException {
    RecordHead head =
        RecordHead.read(
            factory,
            "{\"v\":1,\"process\":{\"kind\":\"alert\",\"args\":[{\"type\":\"x\"}]},\"type\":\"exec\",\"kind\":\"event\"}");
    assertEquals(new RecordHead("event", "exec"), head);
  }

  @Test
  void nonStringValuesAndAbsentKeysAreNull() throws IOException {
    RecordHead head = RecordHead.read(factory, "{\"kind\":{\"a\":1},\"type\":7}");
    assertNull(head.kind());
    assertNull(head.type());
    assertEquals(new RecordHead(null, null), RecordHead.read(factory, "{}"));
  }

  @Test
  void aRepeatedKeyKeepsItsLastValueAsAParsedMapWould() throws IOException {
    assertEquals(
        "alert", RecordHead.read(factory, "{\"kind\":\"event\",\"kind\":\"alert\"}").kind());
  }

  @Test
  void theTimeIsReadAsTheShippersAndReplayUseIt() throws IOException {
    RecordHead head =
        RecordHead.read(
            factory,
            "{\"kind\":\"event\",\"process\":{\"time\":\"x\"},\"time\":\"2026-11-22T18:02:11.431Z\"}");
    assertEquals("2026-11-22T18:02:11.431Z", head.time());
    assertEquals(Optional.of(Instant.parse("2026-11-22T18:02:11.431Z")), head.instant());
    assertEquals(Optional.empty(), RecordHead.read(factory, "{\"time\":\"soon\"}").instant());
    assertEquals(Optional.empty(), RecordHead.read(factory, "{\"time\":17}").instant());
    assertNull(RecordHead.read(factory, "{\"time\":17}").time());
  }

  @Test
  void theEnvelopeReadStopsOnceItHasKindAndTimeWhereTheWholeReadChecksEverything()
      throws IOException {
    String cutAfterEnvelope =
        "{\"schema\":1,\"kind\":\"alert\",\"time\":\"2026-11-22T18:02:11Z\",\"host\":{\"name\":";
    assertEquals(
        new RecordHead("alert", null, "2026-11-22T18:02:11Z"),
        RecordHead.readEnvelope(factory, cutAfterEnvelope));
    assertThrows(IOException.class, () -> RecordHead.read(factory, cutAfterEnvelope));
    assertEquals(
        new RecordHead("event", "exec", "2026-11-22T18:02:11Z"),
        RecordHead.readEnvelope(
            factory,
            "{\"process\":{\"kind\":\"alert\"},\"type\":\"exec\",\"kind\":\"event\",\"time\":\"2026-11-22T18:02:11Z\"}"),
        "top-level fields only, wherever they stand");
    assertEquals(
        new RecordHead("event", null), RecordHead.readEnvelope(factory, "{\"kind\":\"event\"}"));
    assertThrows(
        IOException.class, () -> RecordHead.readEnvelope(factory, "{\"kind\":\"event\",\"time\":"));
    assertThrows(IOException.class, () -> RecordHead.readEnvelope(factory, "[1,2]"));
  }

  @Test
  void textThatIsNotOneJsonObjectIsRejected() {
    assertThrows(IOException.class, () -> RecordHead.read(factory, "[1,2]"));
    assertThrows(IOException.class, () -> RecordHead.read(factory, "not json"));
    assertThrows(
        IOException.class, () -> RecordHead.read(factory, "{\"kind\":\"alert\",\"x\":{\"y\":"));
    assertThrows(
        IOException.class, () -> RecordHead.read(factory, "{\"kind\":\"alert\",\"x\":[1,}"));
    assertThrows(IOException.class, () -> RecordHead.read(factory, ""));
  }
}
