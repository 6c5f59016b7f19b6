package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordIdsTest {
  @Test
  void sequenceStartsAtOneOnAnEmptyJournal() {
    assertEquals("abcdef012345-0000000000000001", RecordIds.resumingAfter("abcdef012345", Optional.empty()).next());
  }

  @Test
  void sequenceResumesAfterTheNewestRecordOfThisHost() {
    RecordIds ids = RecordIds.resumingAfter("abcdef012345",
        Optional.of("{\"schema\":1,\"kind\":\"alert\",\"id\":\"abcdef012345-000000000000002a\",\"time\":\"x\"}"));
    assertEquals("abcdef012345-000000000000002b", ids.next());
    assertEquals("abcdef012345-000000000000002c", ids.next());
  }

  @Test
  void aJournalCopiedFromAnotherHostDoesNotSetOurSequence() {
    RecordIds ids = RecordIds.resumingAfter("abcdef012345",
        Optional.of("{\"id\":\"999999999999-00000000000000ff\"}"));
    assertEquals("abcdef012345-0000000000000001", ids.next());
  }

  @Test
  void idsAreSixteenLowerCaseHexDigitsAcrossTheWholeRange() {
    assertEquals("h-0000000000000000", new RecordIds("h", 0).next());
    assertEquals("h-00000000deadbeef", new RecordIds("h", 0xdeadbeefL).next());
    assertEquals("h-ffffffffffffffff", new RecordIds("h", -1L).next());
    assertEquals("abc-7fffffffffffffff", new RecordIds("abc", Long.MAX_VALUE).next());
  }
}
