package dev.dockward.agent;

import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A source whose every delivered event also runs a hook (it must not block), e.g. to wake another source. */
final class PokingSource implements Source {
  private final Source inner;
  private final Runnable onEvent;

  PokingSource(Source inner, Runnable onEvent) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.onEvent = Objects.requireNonNull(onEvent, "onEvent");
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void start(EventSink sink) {
    inner.start(event -> {
      sink.accept(event);
      onEvent.run();
    });
  }

  @Override
  public Map<String, Long> counters() {
    return inner.counters();
  }

  @Override
  public Optional<Duration> lastPass() {
    return inner.lastPass();
  }

  @Override
  public void close() {
    inner.close();
  }
}
