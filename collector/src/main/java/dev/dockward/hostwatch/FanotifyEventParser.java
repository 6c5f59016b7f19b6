package dev.dockward.hostwatch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits what one {@code read} of a fanotify descriptor returned into events ({@code struct
 * fanotify_event_metadata}: event_len u32, vers u8, reserved u8, metadata_len u16, mask u64, fd
 * s32, pid s32). A record of another version or with impossible lengths ends the buffer and is
 * counted: the descriptors of what follows cannot be found, so the caller closes none it was not
 * given.
 */
public final class FanotifyEventParser {
  static final int METADATA_VERSION = 3;
  static final int METADATA_LENGTH = 24;

  /** The kernel's queue overflowed: events were lost (such an event has no descriptor). */
  static final long FAN_Q_OVERFLOW = 0x4000;

  /** The fd of an event that has none. */
  static final int FAN_NOFD = -1;

  /**
   * One event: what happened, the descriptor of the file (owned by the reader now), and the
   * process's pid.
   */
  public record FanotifyEvent(long mask, int fd, int pid) {
    public boolean overflow() {
      return (mask & FAN_Q_OVERFLOW) != 0;
    }
  }

  private long malformed;

  /** The events of {@code length} bytes of {@code buffer}, in order. */
  public List<FanotifyEvent> parse(ByteBuffer buffer, int length) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder());
    List<FanotifyEvent> events = new ArrayList<>();
    int at = 0;
    while (length - at >= METADATA_LENGTH) {
      long eventLength = Integer.toUnsignedLong(b.getInt(at));
      int version = Byte.toUnsignedInt(b.get(at + 4));
      int metadataLength = Short.toUnsignedInt(b.getShort(at + 6));
      if (version != METADATA_VERSION
          || metadataLength < METADATA_LENGTH
          || eventLength < metadataLength
          || eventLength > length - at) {
        malformed++;
        return events;
      }
      events.add(new FanotifyEvent(b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20)));
      at += (int) eventLength;
    }
    if (at != length) {
      malformed++; // a torn record: the kernel never sends one
    }
    return events;
  }

  /** Buffers that held a record this parser could not read. */
  public long malformed() {
    return malformed;
  }
}
