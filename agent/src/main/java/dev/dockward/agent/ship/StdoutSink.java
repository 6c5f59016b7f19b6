package dev.dockward.agent.ship;

import java.io.PrintStream;
import java.util.Map;

/** Records on standard output (or any stream), one per line, as JSON or as a short text line. */
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
  public void send(String json, Map<String, Object> record) {
    out.println(format == OutputFormat.JSONL ? json : TextLine.of(record));
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
