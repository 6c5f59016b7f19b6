package dev.dockward.agent.journal;

import java.util.Optional;
import net.openhft.chronicle.queue.ExcerptTailer;

/** Reads the journal forward, one record at a time, on the thread that created it. */
public final class JournalCursor implements AutoCloseable {
  private final ExcerptTailer tailer;

  JournalCursor(ExcerptTailer tailer) {
    this.tailer = tailer;
  }

  /** The next record, or empty when the reader is at the end (for now). */
  public Optional<JournalRecord> next() {
    String text = tailer.readText();
    if (text == null) {
      return Optional.empty();
    }
    return Optional.of(new JournalRecord(tailer.lastReadIndex(), text));
  }

  /**
   * The record at {@code index}, read by random access (for re-sending); the cursor then goes on
   * from the record after it.
   */
  public Optional<JournalRecord> at(long index) {
    if (!tailer.moveToIndex(index)) {
      return Optional.empty();
    }
    return next().filter(r -> r.index() == index);
  }

  @Override
  public void close() {
    tailer.close();
  }
}
