package dev.dockward.agent.assembly;

import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.schema.PublishedSchema;
import dev.dockward.agent.schema.SchemaCheckingSink;
import dev.dockward.agent.schema.SchemaViolations;
import dev.dockward.agent.ship.FileCheckpoint;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.ShipperSettings;
import dev.dockward.agent.ship.Sink;
import dev.dockward.agent.ship.format.FormattingSink;
import dev.dockward.agent.ship.format.RecordFormat;
import java.io.PrintStream;

/**
 * What every sink factory may use, made once per start.
 *
 * @param journal what the shippers read
 * @param schema the published record schema, checked by the sinks that promise it
 * @param violations where those checks count what failed
 * @param rules the loaded rules: mapped alerts carry their descriptions
 * @param stdout where the stdout sink writes
 */
record SinkContext(
    ChronicleJournal journal,
    PublishedSchema schema,
    SchemaViolations violations,
    Detector rules,
    PrintStream stdout) {

  /**
   * A shipper from the start of the journal on, with a checkpoint of its own under {@code name}:
   * what it delivered is not sent again after a restart.
   *
   * @param events whether events ship too, not only alerts and lifecycle records
   */
  Shipper checkpointed(Sink sink, String name, boolean events) {
    return new Shipper(
        journal,
        sink,
        FileCheckpoint.forSink(journal, name),
        ShipperSettings.of(events, ShipperSettings.Start.JOURNAL_START).withLifecycle());
  }

  /** The sink behind a check of every native record against the published schema. */
  Sink checked(Sink sink) {
    return new SchemaCheckingSink(sink, schema, violations);
  }

  /**
   * The sink, writing alerts and lifecycle records in the configured format (native needs no
   * wrapper); mapped alerts carry the descriptions of the rules loaded when they are shipped.
   */
  Sink formatted(Sink sink, RecordFormat format) {
    return format == RecordFormat.NATIVE
        ? sink
        : new FormattingSink(sink, format, rules::ruleDescription);
  }
}
