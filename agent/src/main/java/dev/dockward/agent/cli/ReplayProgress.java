package dev.dockward.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The stderr lines of a long replay: "scanned N records, M matched" every {@link #EVERY} while it
 * runs and once at the end with the time taken, so stdout holds the records alone.
 */
final class ReplayProgress {
  /** How often a line is written while scanning. */
  static final Duration EVERY = Duration.ofSeconds(2);

  /**
   * The clock is read once per this many records: reading it per record would cost more than the
   * check.
   */
  private static final int CLOCK_STRIDE = 1024;

  private final PrintWriter err;
  private final boolean live;
  private final LongSupplier nanos;
  private final long started;
  private long nextLine;
  private long scanned;
  private long matched;

  /**
   * @param live write the lines (else only count)
   */
  ReplayProgress(PrintWriter err, boolean live, LongSupplier nanos) {
    this.err = err;
    this.live = live;
    this.nanos = nanos;
    this.started = nanos.getAsLong();
    this.nextLine = started + EVERY.toNanos();
  }

  /** A record was read from the journal; writes a line when {@link #EVERY} has passed. */
  void scanned() {
    scanned++;
    if (live && scanned % CLOCK_STRIDE == 0) {
      long now = nanos.getAsLong();
      if (now - nextLine >= 0) {
        err.println("dockward: scanned " + scanned + " records, " + matched + " matched …");
        err.flush();
        nextLine = now + EVERY.toNanos();
      }
    }
  }

  /** A record (or a re-run alert) was printed. */
  void matched() {
    matched++;
  }

  /** The summary line (when live). */
  void finish() {
    if (!live) {
      return;
    }
    double seconds = (nanos.getAsLong() - started) / 1e9;
    err.println(
        String.format(
            Locale.ROOT,
            "dockward: scanned %d records, %d matched in %.1fs",
            scanned,
            matched,
            seconds));
    err.flush();
  }

  /** Whether the process's stderr is a terminal (Linux: where fd 2 points). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
