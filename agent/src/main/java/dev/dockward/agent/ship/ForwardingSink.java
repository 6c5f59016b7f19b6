package dev.dockward.agent.ship;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A sink in front of another one that may change what is sent but not where: it keeps the inner
 * sink's name (metrics and checkpoints stay per destination) and passes flush and close through.
 */
public abstract class ForwardingSink implements Sink {
  private static final ObjectMapper JSON = new ObjectMapper();

  protected final Sink inner;

  protected ForwardingSink(Sink inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  /** Sends a changed document as its JSON text, with the record the inner sink routes by. */
  protected final CompletionStage<Void> sendRewritten(
      Map<String, Object> document, Map<String, Object> routing) {
    try {
      return inner.send(JSON.writeValueAsString(document), routing);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public final String name() {
    return inner.name();
  }

  @Override
  public void flush() throws IOException {
    inner.flush();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
