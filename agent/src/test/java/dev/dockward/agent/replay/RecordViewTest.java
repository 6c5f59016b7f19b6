package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Replay reads a record's envelope with the shippers' reader: top-level fields only, wherever they
 * stand.
 */
class RecordViewTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void kindAndTimeAreTheTopLevelOnesNotANestedFieldOfTheSameName() {
    RecordView view =
        new RecordView(
            "{\"process\":{\"kind\":\"alert\",\"time\":\"2020-01-01T00:00:00Z\"},"
                + "\"kind\":\"event\",\"time\":\"2026-11-22T18:02:11.431Z\"}",
            json);
    assertEquals("event", view.kind());
    assertEquals(Optional.of(Instant.parse("2026-11-22T18:02:11.431Z")), view.time());
  }

  @Test
  void anEnvelopeFieldPastTheFirstCharactersIsFound() {
    String label = "x".repeat(500);
    RecordView view =
        new RecordView(
            "{\"host\":{\"name\":\""
                + label
                + "\"},\"time\":\"2026-11-22T18:02:11Z\","
                + "\"kind\":\"alert\"}",
            json);
    assertEquals("alert", view.kind());
    assertEquals(Optional.of(Instant.parse("2026-11-22T18:02:11Z")), view.time());
  }

  @Test
  void anAbsentOrUnreadableTimeIsEmpty() {
    assertEquals(Optional.empty(), new RecordView("{\"kind\":\"event\"}", json).time());
    assertEquals(
        Optional.empty(),
        new RecordView("{\"kind\":\"event\",\"time\":\"yesterday\"}", json).time());
    assertEquals(
        Optional.empty(), new RecordView("{\"kind\":\"event\",\"time\":1700000000}", json).time());
    assertEquals("null", new RecordView("{\"time\":\"2026-11-22T18:02:11Z\"}", json).kind());
  }

  @Test
  void textThatDoesNotStartAsAJsonObjectIsUnreadableAsAReplayCountsIt() {
    for (String broken : List.of("not json", "[1,2]", "{\"kind\":\"event\",\"time\":", "")) {
      RecordView view = new RecordView(broken, json);
      assertThrows(UncheckedIOException.class, view::kind, broken);
      assertThrows(UncheckedIOException.class, view::time, broken);
      assertEquals(broken, view.json());
    }
  }
}
