package dev.dockward.agent.cli;

import dev.dockward.agent.ship.OutputFormat;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * How {@code run --stdout}, {@code replay} and {@code rules test} print records: JSON lines, or one
 * human line a record ({@code text}). {@code table} is the name replay and rules test used for the
 * same line before: still accepted, with a warning, so scripts keep working.
 */
enum LineFormat {
  JSONL,
  TEXT,
  TABLE;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The sinks' format of these lines (the deprecated alias writes text). */
  OutputFormat sinkFormat() {
    return this == JSONL ? OutputFormat.JSONL : OutputFormat.TEXT;
  }

  /** {@link #TEXT} for the deprecated alias, said once on {@code err}; otherwise this format. */
  LineFormat resolve(PrintWriter err) {
    if (this != TABLE) {
      return this;
    }
    err.println(
        "dockward: --format table is deprecated; it is the same one-line format as --format text");
    err.flush();
    return TEXT;
  }

  /** The names picocli lists in help and completes: without the deprecated alias. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("jsonl", "text").iterator();
    }
  }
}
