package dev.dockward.agent.ship;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A sink for tests: records every send, and lets the test decide per record id and attempt whether
 * it is acknowledged at once, refused at once, or held until the test completes it.
 */
final class RecordingSink implements Sink {
  enum Verdict {
    ACK,
    FAIL,
    REJECT,
    HOLD
  }

  final List<String> sent = new CopyOnWriteArrayList<>();

  /** The text of every send, in order. */
  final List<String> texts = new CopyOnWriteArrayList<>();

  /** Sends over this many UTF-8 bytes are rejected as too large, whatever the verdict. */
  volatile int maxBytes = Integer.MAX_VALUE;

  final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final BiFunction<String, Integer, Verdict> verdict;
  volatile boolean closed;

  RecordingSink(BiFunction<String, Integer, Verdict> verdict) {
    this.verdict = verdict;
  }

  static RecordingSink acknowledgingAll() {
    return new RecordingSink((id, attempt) -> Verdict.ACK);
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public CompletionStage<Void> send(String json, Map<String, Object> record) {
    String id = (String) record.get("id");
    sent.add(id);
    texts.add(json);
    int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes) {
      return CompletableFuture.failedFuture(new RecordRejectedException("too large: " + id, null));
    }
    switch (verdict.apply(id, attempt)) {
      case ACK:
        return CompletableFuture.completedFuture(null);
      case FAIL:
        return CompletableFuture.failedFuture(
            new java.io.IOException("refused " + id + " attempt " + attempt));
      case REJECT:
        return CompletableFuture.failedFuture(
            new RecordRejectedException("too large: " + id, null));
      default:
        CompletableFuture<Void> f = new CompletableFuture<>();
        held.put(id, f);
        return f;
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    closed = true;
  }
}
