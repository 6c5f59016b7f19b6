package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanotifyEventParserTest {
  /**
   * One read of a real fanotify descriptor (FAN_CLOSE_WRITE on a file system mark) while a
   * container started, wrote /h/one and /h/two through a bind mount and was removed; the .txt
   * beside it lists what the recording program decoded.
   */
  private static byte[] recorded() throws IOException {
    try (InputStream in =
        FanotifyEventParserTest.class.getResourceAsStream("/fanotify/close-write-44-events.bin")) {
      return in.readAllBytes();
    }
  }

  @Test
  void aRecordedReadGivesEveryEventWithItsDescriptorAndPid() throws IOException {
    byte[] bytes = recorded();
    FanotifyEventParser parser = new FanotifyEventParser();
    List<FanotifyEvent> events = parser.parse(ByteBuffer.wrap(bytes), bytes.length);
    assertEquals(44, events.size());
    assertEquals(0, parser.malformed());
    assertTrue(
        events.stream().allMatch(e -> e.mask() == FanotifyLibC.FAN_CLOSE_WRITE && !e.overflow()));
    assertEquals(new FanotifyEvent(8, 4, 916), events.get(0));
    // the container's shell wrote /h/one and /h/two
    assertEquals(2, events.stream().filter(e -> e.pid() == 29152).count());
    // descriptors are distinct and ascending, as the kernel opened them for this read
    for (int i = 1; i < events.size(); i++) {
      assertTrue(events.get(i).fd() > events.get(i - 1).fd());
    }
  }

  @Test
  void anOverflowEventHasNoDescriptor() {
    ByteBuffer b = record(24, 3, 24, FanotifyEventParser.FAN_Q_OVERFLOW, -1, 0);
    List<FanotifyEvent> events = new FanotifyEventParser().parse(b, 24);
    assertEquals(1, events.size());
    assertTrue(events.get(0).overflow());
    assertEquals(FanotifyEventParser.FAN_NOFD, events.get(0).fd());
  }

  @Test
  void aRecordOfAnotherVersionOrWithImpossibleLengthsEndsTheBufferAndIsCounted() {
    FanotifyEventParser parser = new FanotifyEventParser();
    assertEquals(List.of(), parser.parse(record(24, 4, 24, 8, 5, 1), 24)); // another version
    assertEquals(
        List.of(), parser.parse(record(16, 3, 24, 8, 5, 1), 24)); // event shorter than its metadata
    assertEquals(
        List.of(), parser.parse(record(48, 3, 24, 8, 5, 1), 24)); // longer than what was read
    assertEquals(3, parser.malformed());
  }

  @Test
  void aTornTailIsCountedAndTheWholeEventsBeforeItKept() throws IOException {
    byte[] bytes = recorded();
    FanotifyEventParser parser = new FanotifyEventParser();
    List<FanotifyEvent> events = parser.parse(ByteBuffer.wrap(bytes), 24 * 3 + 10);
    assertEquals(3, events.size());
    assertEquals(1, parser.malformed());
    assertFalse(events.get(2).overflow());
  }

  private static ByteBuffer record(
      int eventLength, int version, int metadataLength, long mask, int fd, int pid) {
    ByteBuffer b =
        ByteBuffer.allocate(eventLength < 24 ? 24 : Math.max(24, eventLength))
            .order(ByteOrder.nativeOrder());
    b.putInt(eventLength)
        .put((byte) version)
        .put((byte) 0)
        .putShort((short) metadataLength)
        .putLong(mask)
        .putInt(fd)
        .putInt(pid);
    return b.rewind();
  }
}
