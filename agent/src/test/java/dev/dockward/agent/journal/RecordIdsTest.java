package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordIdsTest {
  private static final String PREFIX = "abcdef012345";

  @TempDir Path dir;

  @Test
  void idsAreThePrefixTheEpochAndTheSequenceInThirtyTwoLowerCaseHexDigits() {
    assertEquals("h-00000000000000000000000000000000", new RecordIds("h", 0, 0).next());
    assertEquals(
        "abc-00000000deadbeef0000000000000001", new RecordIds("abc", 0xdeadbeefL, 1).next());
    assertEquals("h-ffffffffffffffffffffffffffffffff", new RecordIds("h", -1L, -1L).next());
    assertEquals(
        "h-7fffffffffffffff7fffffffffffffff",
        new RecordIds("h", Long.MAX_VALUE, Long.MAX_VALUE).next());
    assertEquals("h-00000000deadbeef", new RecordIds("h", 0xdeadbeefL, 1).runPrefix());
  }

  @Test
  void theSequenceRisesWithinARunAndSortsAsText() {
    RecordIds ids = new RecordIds(PREFIX, 0x0123456789abcdefL, 0xfe);
    List<String> issued = List.of(ids.next(), ids.next(), ids.next());
    assertEquals(
        List.of(
            PREFIX + "-0123456789abcdef00000000000000fe",
            PREFIX + "-0123456789abcdef00000000000000ff",
            PREFIX + "-0123456789abcdef0000000000000100"),
        issued);
    assertEquals(issued, issued.stream().sorted().toList());
  }

  @Test
  void aNewRunTakesItsEpochFromTheRandomSourceAndCountsFromOne() {
    RecordIds ids = RecordIds.forNewRun(PREFIX, () -> 0x1122334455667788L);
    assertEquals(PREFIX + "-11223344556677880000000000000001", ids.next());
    assertEquals(PREFIX + "-11223344556677880000000000000002", ids.next());
  }

  @Test
  void aRestartAfterAPowerCutLostTheJournalsTailNeverIssuesAnIdAgain() throws IOException {
    Path journal = dir.resolve("journal");
    List<String> first = run(journal, 100);
    // The last 40 were shipped, then lost with the unsynced tail: the disk holds the first 60.
    keepOnlyTheFirst(journal, 60);
    assertEquals(first.subList(0, 60), journalled(journal));

    List<String> second = run(journal, 100);
    assertEquals(160, journalled(journal).size());
    assertNoneAgain(first, second);
    assertEquals(second, second.stream().sorted().toList(), "ids rise within a run");
  }

  @Test
  void aRestartOnADeletedJournalNeverIssuesAnIdAgain() throws IOException {
    Path journal = dir.resolve("journal");
    List<String> first = run(journal, 100);
    deleteTree(journal); // purge and reinstall
    List<String> second = run(journal, 100);
    assertEquals(second, journalled(journal));
    assertNoneAgain(first, second);
  }

  /** One agent run as the agent starts it: a new run's ids, each journalled. */
  private static List<String> run(Path journal, int records) {
    RecordIds ids = RecordIds.forNewRun(PREFIX);
    List<String> issued = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journal, "hourly")) {
      for (int i = 0; i < records; i++) {
        String id = ids.next();
        assertTrue(id.matches(PREFIX + "-[0-9a-f]{32}"), id);
        j.append("{\"id\":\"" + id + "\"}");
        issued.add(id);
      }
    }
    return issued;
  }

  private static void assertNoneAgain(List<String> before, List<String> after) {
    Set<String> again = new HashSet<>(after);
    again.retainAll(before);
    assertTrue(
        again.isEmpty(),
        again.size()
            + " ids issued twice, among them "
            + again.stream().sorted().limit(3).toList());
    assertEquals(after.size(), new HashSet<>(after).size());
    assertFalse(after.isEmpty());
  }

  /** Rewrites the journal with its first {@code n} records only. */
  private void keepOnlyTheFirst(Path journal, int n) throws IOException {
    List<String> kept = journalled(journal).subList(0, n);
    deleteTree(journal);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(journal, "hourly")) {
      kept.forEach(id -> j.append("{\"id\":\"" + id + "\"}"));
    }
  }

  private static List<String> journalled(Path journal) {
    List<String> ids = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(journal);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        String json = r.get().json();
        ids.add(json.substring("{\"id\":\"".length(), json.length() - 2));
      }
    }
    return ids;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
