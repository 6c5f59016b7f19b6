package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the current cycle file ahead of the writer, on its own thread, so that the pages the writer
 * is about to fill are already in the page cache. Chronicle grows a cycle file sparsely and writes
 * through a memory mapping: the first touch of each page faults, and the kernel fills the hole with
 * zeroes in the writer's thread. Measured on the test VM, that fault path cost about 5 s of system
 * time per 1.4 GB written and capped appends near 1M records/s; reading the same range with read(2)
 * beforehand costs a fraction of it and takes it off the writer's thread (docs/benchmarks.md).
 * Reads never change the file, never extend it, and never allocate disk blocks, so the writer's
 * data and a full disk are unaffected.
 */
final class JournalPretoucher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalPretoucher.class);

  /** How far ahead of the writer the file is read (bounded by the file's current size). */
  static final long AHEAD = 64L << 20;

  /** The writer wakes the thread each time it has moved on by this much. */
  static final long WAKE_EVERY = 8L << 20;

  private static final int STEP = 1 << 20;

  private final Thread thread;
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean closed;

  /** Published by the writer: its file and position (a file offset). */
  private volatile Path file;

  private volatile long position;

  /** Writer-thread only: when to publish next. */
  private long wakeAt = Long.MIN_VALUE;

  JournalPretoucher() {
    this.thread = new Thread(this::run, "dockward-journal-pretouch");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * The writer appended up to {@code writePosition} of {@code current} (the same Path instance
   * while the cycle lasts, a new one after a roll). Cheap unless the thread is to be woken.
   */
  void appended(Path current, long writePosition) {
    if (current != file) {
      file = current;
      wakeAt = Long.MIN_VALUE;
    }
    if (writePosition >= wakeAt) {
      wakeAt = writePosition + WAKE_EVERY;
      position = writePosition;
      LockSupport.unpark(thread);
    }
  }

  long bytesRead() {
    return bytesRead.get();
  }

  long failures() {
    return failures.get();
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(STEP);
    Path open = null;
    FileChannel channel = null;
    long readUpTo = 0;
    try {
      while (!closed) {
        Path target = file;
        if (target != null && target != open) {
          close(channel);
          channel = null;
          open = target;
          readUpTo = 0;
          try {
            channel = FileChannel.open(target, StandardOpenOption.READ);
          } catch (IOException e) {
            failed(target, e);
          }
        }
        if (channel != null) {
          readUpTo = readAhead(channel, open, buffer, readUpTo);
        }
        // Woken by the writer; the timeout only bounds a missed wake-up.
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
      }
    } finally {
      close(channel);
    }
  }

  /** Reads from the writer's position up to {@link #AHEAD} beyond it; returns how far it got. */
  private long readAhead(FileChannel channel, Path path, ByteBuffer buffer, long readUpTo) {
    long writer = position; // one reading: the writer moves it meanwhile
    long from = Math.max(readUpTo, writer & ~(STEP - 1L));
    try {
      long end = Math.min(channel.size(), writer + AHEAD);
      while (from < end && !closed && file == path) {
        buffer.clear();
        int n = channel.read(buffer, from);
        if (n <= 0) {
          break;
        }
        bytesRead.addAndGet(n);
        from += n;
      }
    } catch (IOException e) {
      failed(path, e);
    }
    return from;
  }

  private void failed(Path path, IOException e) {
    // Not fatal: the writer only loses the head start on the pages it is about to write.
    if (failures.getAndIncrement() == 0) {
      log.warn(
          "journal read-ahead of {} failed ({}); the writer goes on without it",
          path,
          e.toString());
    }
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // read-only channel: nothing to lose
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
