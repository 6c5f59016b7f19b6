package dev.dockward.agent.ship.format;

import dev.dockward.agent.ship.ForwardingSink;
import dev.dockward.agent.ship.Sink;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** A sink that receives records in another format than the journal's native one. */
public final class FormattingSink extends ForwardingSink {
  private final RecordFormat format;

  public FormattingSink(Sink inner, RecordFormat format) {
    super(inner);
    this.format = format;
  }

  @Override
  public CompletionStage<Void> send(String original, Map<String, Object> record) {
    Map<String, Object> mapped = format.apply(record);
    if (mapped == record) {
      return inner.send(original, record);
    }
    // The native record still routes (topic, key): only the text sent changes.
    return sendRewritten(mapped, record);
  }
}
