package dev.dockward.agent.ship.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.ship.Sink;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A sink that receives records in another format than the journal's native one. */
public final class FormattingSink implements Sink {
  private final Sink inner;
  private final RecordFormat format;
  private final ObjectMapper json = new ObjectMapper();

  public FormattingSink(Sink inner, RecordFormat format) {
    this.inner = inner;
    this.format = format;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public CompletionStage<Void> send(String original, Map<String, Object> record) {
    Map<String, Object> mapped = format.apply(record);
    if (mapped == record) {
      return inner.send(original, record);
    }
    try {
      // The native record still routes (topic, key): only the text sent changes.
      return inner.send(json.writeValueAsString(mapped), record);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
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
