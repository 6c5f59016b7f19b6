package dev.dockward.agent.ship.format;

import dev.dockward.agent.ship.ForwardingSink;
import dev.dockward.agent.ship.Sink;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** A sink that receives records in another format than the journal's native one. */
public final class FormattingSink extends ForwardingSink {
  private final RecordFormat format;
  private final RuleDescriptions descriptions;

  public FormattingSink(Sink inner, RecordFormat format) {
    this(inner, format, RuleDescriptions.NONE);
  }

  /**
   * @param descriptions the running rules' descriptions, which the mapped alerts carry
   */
  public FormattingSink(Sink inner, RecordFormat format, RuleDescriptions descriptions) {
    super(inner);
    this.format = format;
    this.descriptions = descriptions;
  }

  @Override
  public CompletionStage<Void> send(String original, Map<String, Object> record) {
    Map<String, Object> mapped = format.apply(record, descriptions);
    if (mapped == record) {
      return inner.send(original, record);
    }
    // The native record still routes (topic, key): only the text sent changes.
    return sendRewritten(mapped, record);
  }
}
