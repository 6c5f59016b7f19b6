package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces the journal's newest roll cycle files to disk on its own thread, every interval when
 * something was appended, so that the writer never waits for the disk. {@code fsync} of a file
 * writes back the pages dirtied through Chronicle's memory mappings too (Linux tracks dirty
 * shared-mapped pages per file). A new cycle file's directory entry is forced as well.
 */
final class JournalSyncer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalSyncer.class);

  private final Path dir;
  private final Duration interval;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong syncs = new AtomicLong();
  private final Thread thread;

  /** Bumped by the writer on every append. */
  private volatile long appended;

  /**
   * The cycle file the writer appends to, and the one before it (forced once more after a roll).
   */
  private volatile Path current;

  private Path previous;
  private long syncedUpTo;
  private Path lastForced;

  JournalSyncer(Path dir, Duration interval) {
    this.dir = dir;
    this.interval = interval;
    this.thread = new Thread(this::run, "dockward-journal-sync");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The writer appended to {@code file} (called with the file only when the cycle changed). */
  void appendedTo(Path file) {
    if (file != null) {
      current = file;
    }
    appended++;
  }

  long syncs() {
    return syncs.get();
  }

  private void run() {
    try {
      while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
        syncNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Forces what was appended since the last time; called by the thread and on close. */
  synchronized void syncNow() {
    long seen = appended;
    Path file = current;
    if (seen == syncedUpTo || file == null) {
      return;
    }
    try {
      if (lastForced != null && !lastForced.equals(file)) {
        // The writer rolled: the old cycle's last records, and the new file's directory entry.
        previous = lastForced;
        force(previous);
        force(dir);
      }
      force(file);
      lastForced = file;
      syncedUpTo = seen;
      syncs.incrementAndGet();
    } catch (IOException e) {
      // Not fatal: the records are in the page cache; a later round tries again.
      log.warn("journal sync of {} failed: {}", file, e.toString());
    }
  }

  private static void force(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    syncNow();
  }
}
