package dev.dockward.agent.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** A PrintStream whose lines a test can wait for, with a deadline. */
public final class LineCapture {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final PrintStream stream =
      new PrintStream(
          new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
              if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
              } else {
                line.write(b);
              }
            }
          },
          true,
          StandardCharsets.UTF_8);

  public PrintStream stream() {
    return stream;
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Polls until a line matches or the deadline passes; returns the line or fails. */
  public String await(Predicate<String> match, Duration deadline, String what) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      for (String l : lines) {
        if (match.test(l)) {
          return l;
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    throw new AssertionError(
        "no line " + what + " within " + deadline + "; got " + lines.size() + " lines: " + lines);
  }
}
