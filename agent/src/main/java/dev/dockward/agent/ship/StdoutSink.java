package dev.dockward.agent.ship;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Records on standard output (or any stream), one per line, as JSON or as a short text line. A line
 * counts as delivered once the stream took it without error.
 */
public final class StdoutSink implements Sink {
  private final PrintStream out;
  private final OutputFormat format;

  public StdoutSink(PrintStream out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  @Override
  public String name() {
    return "stdout";
  }

  @Override
  public CompletionStage<Void> send(String json, Map<String, Object> record) {
    out.println(format == OutputFormat.JSONL ? json : TextLine.of(record));
    // PrintStream swallows I/O errors: ask for them, so a closed pipe is "not delivered".
    if (out.checkError()) {
      return CompletableFuture.failedFuture(new IOException("stdout does not accept output"));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    out.flush();
  }
}
