package dev.dockward.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatParserTest {
  @Test
  void parsesRecordedStatOfAContainerProcess() {
    ProcStat stat =
        ProcStatParser.parse(ProcTree.resource("/proc/container-sleep/stat")).orElseThrow();
    assertEquals(new ProcStat(5683, "sleep", 'S', 5663, 37800), stat);
  }

  @Test
  void parsesRecordedStatOfAHostProcess() {
    ProcStat stat =
        ProcStatParser.parse(ProcTree.resource("/proc/host-dockerd/stat")).orElseThrow();
    assertEquals(new ProcStat(2577, "dockerd", 'S', 1, 11470), stat);
  }

  @Test
  void parsesRecordedStatOfAKernelThreadWithParentZero() {
    ProcStat stat =
        ProcStatParser.parse(ProcTree.resource("/proc/kernel-thread/stat")).orElseThrow();
    assertEquals(new ProcStat(2, "kthreadd", 'S', 0, 24), stat);
  }

  @Test
  void commWithParenthesesAndSpacesIsSplitAtTheLastClosingParenthesis() {
    byte[] line = ProcTree.statLine(4242, "a) (b".getBytes(UTF_8), 'R', 4200, 987654);
    assertEquals(
        new ProcStat(4242, "a) (b", 'R', 4200, 987654), ProcStatParser.parse(line).orElseThrow());
  }

  @Test
  void commThatImitatesStatFieldsDoesNotShiftThem() {
    byte[] line = ProcTree.statLine(77, "x) Z 1 1 1 (".getBytes(UTF_8), 'S', 76, 31337);
    assertEquals(
        new ProcStat(77, "x) Z 1 1 1 (", 'S', 76, 31337), ProcStatParser.parse(line).orElseThrow());
  }

  @Test
  void commWithNewlineQuoteAndInvalidByteIsKeptWithTheByteEscaped() {
    byte[] comm = {'e', '\n', '"', (byte) 0xff, 'v'};
    ProcStat stat = ProcStatParser.parse(ProcTree.statLine(9, comm, 'S', 8, 555)).orElseThrow();
    assertEquals("e\n\"\\xffv", stat.comm());
    assertEquals(555, stat.startTime());
  }

  @Test
  void garbageIsAParseFailureNotZeroes() {
    assertTrue(ProcStatParser.parse("not a stat line".getBytes(UTF_8)).isEmpty());
    assertTrue(ProcStatParser.parse(new byte[0]).isEmpty());
    assertTrue(
        ProcStatParser.parse("12 (x) S 1 2 3\n".getBytes(UTF_8)).isEmpty(), "too few fields");
    String valid = new String(ProcTree.statLine(1, "sh".getBytes(UTF_8), 'S', 0, 99), UTF_8);
    assertTrue(ProcStatParser.parse(("x" + valid).getBytes(UTF_8)).isEmpty(), "pid not a number");
    assertTrue(
        ProcStatParser.parse(")12 (sh S 1".getBytes(UTF_8)).isEmpty(), "parentheses out of order");
  }

  @Test
  void nonNumericStartTimeIsAParseFailure() {
    String line =
        new String(ProcTree.statLine(5, "sh".getBytes(UTF_8), 'S', 1, 123), UTF_8)
            .replace(" 123 ", " 12x ");
    assertTrue(ProcStatParser.parse(line.getBytes(UTF_8)).isEmpty());
  }
}
