package dev.dockward.agent.assembly;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.Checkpoint;
import dev.dockward.agent.ship.KafkaSink;
import dev.dockward.agent.ship.RotatingFileSink;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.ShipperSettings;
import dev.dockward.agent.ship.StdoutSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every sink the agent can ship to, each with its factory: the one place a new sink is added. */
final class SinkFactories {
  private static final Logger log = LoggerFactory.getLogger(SinkFactories.class);

  static final List<Entry<?>> ALL =
      List.of(
          entry(c -> c.sinks().kafka(), SinkFactories::kafka),
          entry(c -> c.sinks().file(), SinkFactories::file),
          entry(AgentConfig::sinks, SinkFactories::stdout));

  private SinkFactories() {}

  /** A factory with the section of the configuration it reads. */
  record Entry<C>(Function<AgentConfig, C> section, SinkFactory<C> factory) {
    Optional<Shipper> open(AgentConfig config, SinkContext context) {
      return factory.open(section.apply(config), context);
    }
  }

  private static <C> Entry<C> entry(Function<AgentConfig, C> section, SinkFactory<C> factory) {
    return new Entry<>(section, factory);
  }

  /** Kafka, from the start of the journal on, with its own checkpoint. */
  static Optional<Shipper> kafka(AgentConfig.Kafka kafka, SinkContext context) {
    if (!kafka.enabled()) {
      if (!kafka.bootstrapServers().isBlank()) {
        log.warn(
            "sinks.kafka.bootstrap_servers is set but sinks.kafka.enabled is not true: not shipping to Kafka");
      }
      return Optional.empty();
    }
    Shipper shipper =
        context.checkpointed(
            context.checked(context.formatted(KafkaSink.create(kafka), kafka.outputFormat())),
            KafkaSink.NAME,
            kafka.events());
    log.info(
        "shipping {} to Kafka at {}",
        kafka.events() ? "alerts and events" : "alerts",
        kafka.bootstrapServers());
    return Optional.of(shipper);
  }

  /** A rotated local file, from the start of the journal on, with its own checkpoint. */
  static Optional<Shipper> file(AgentConfig.FileSink file, SinkContext context) {
    if (!file.enabled()) {
      return Optional.empty();
    }
    RotatingFileSink sink =
        new RotatingFileSink(
            Path.of(file.path()), file.maxSize().bytes(), file.maxFiles(), file.format());
    Shipper shipper =
        context.checkpointed(
            context.formatted(sink, file.outputFormat()), RotatingFileSink.NAME, file.events());
    log.info("writing {} to {}", file.events() ? "alerts and events" : "alerts", file.path());
    return Optional.of(shipper);
  }

  /** stdout, when on: a live view, so no checkpoint, and a fresh run prints from now on. */
  static Optional<Shipper> stdout(AgentConfig.Sinks sinks, SinkContext context) {
    if (!sinks.stdoutOn()) {
      return Optional.empty();
    }
    AgentConfig.Stdout stdout = sinks.stdout();
    return Optional.of(
        new Shipper(
            context.journal(),
            context.checked(
                context.formatted(
                    new StdoutSink(context.stdout(), stdout.format()), stdout.outputFormat())),
            Checkpoint.none(),
            ShipperSettings.of(stdout.events(), ShipperSettings.Start.JOURNAL_END)));
  }
}
