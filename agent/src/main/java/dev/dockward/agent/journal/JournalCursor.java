package dev.dockward.agent.journal;

import java.util.Optional;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;

/** Reads the journal forward, one record at a time, on the thread that created it. */
public final class JournalCursor implements AutoCloseable {
  private final ExcerptTailer tailer;

  JournalCursor(ExcerptTailer tailer) {
    this.tailer = tailer;
  }

  /** The next record, or empty when the reader is at the end (for now). */
  public Optional<JournalRecord> next() {
    return nextEntry().map(e -> new JournalRecord(e.index(), e.json()));
  }

  /** The next entry with its chain hash, or empty at the end. */
  Optional<JournalEntry> nextEntry() {
    return read(tailer);
  }

  /**
   * Reads one entry: the JSON text, then the chain hash when the entry has one (entries written
   * before the chain existed hold the text only).
   */
  static Optional<JournalEntry> read(ExcerptTailer tailer) {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return Optional.empty();
      }
      ValueIn in = dc.wire().getValueIn();
      String json = in.text();
      if (json == null) {
        json = "";
      }
      Optional<byte[]> hash =
          dc.wire().bytes().readRemaining() > 0
              ? Optional.ofNullable(in.bytes((byte[]) null))
              : Optional.empty();
      return Optional.of(new JournalEntry(dc.index(), json, hash));
    }
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
