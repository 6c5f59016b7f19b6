package dev.dockward.agent.metrics;

import dev.dockward.agent.health.SensorStates;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.pipeline.PipelineStats;
import dev.dockward.agent.schema.SchemaViolations;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.cgroup.CgroupResourceSource;
import dev.dockward.docker.DockerInventory;
import dev.dockward.source.Source;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The agent's metrics, all read at scrape time from the counters the components already keep, so
 * nothing on the hot path counts twice.
 */
public final class AgentMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  public AgentMetrics(
      PipelineStats pipeline,
      Detector detector,
      List<Source> sources,
      List<Shipper> shippers,
      DockerInventory inventory,
      Path journalDir) {
    CounterWithCallback.builder()
        .name("dockward_events")
        .help("Events journalled, by source and type")
        .labelNames("source", "type")
        .callback(cb -> pipeline.eventsByKind().forEach((k, n) -> cb.call(n, k.source(), k.type())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_alerts")
        .help("Alerts raised, by rule")
        .labelNames("rule")
        .callback(cb -> pipeline.alertsByRule().forEach((rule, n) -> cb.call(n, rule)))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_degradations")
        .help(
            "What sources counted instead of failing (vanished processes, unreadable files, lost connections, drops)")
        .labelNames("source", "reason")
        .callback(
            cb ->
                sources.forEach(
                    s -> s.counters().forEach((reason, n) -> cb.call(n, s.name(), reason))))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_pipeline_failures")
        .help(
            "Records the journal refused, events the detector or enrichment failed on, events that could not be recorded")
        .labelNames("stage")
        .callback(
            cb -> {
              cb.call(pipeline.journalFailures(), "journal");
              cb.call(pipeline.detectorFailures(), "detector");
              cb.call(pipeline.enrichFailures(), "enrich");
              cb.call(pipeline.unrecordable(), "record");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_records_trimmed")
        .help(
            "Records journalled with values cut and marked in 'truncated': to their field caps, or further to "
                + "fit the record size limit")
        .labelNames("reason")
        .callback(
            cb -> {
              cb.call(pipeline.trimmedToFieldCaps(), "field_cap");
              cb.call(pipeline.trimmedToRecordSize(), "record_size");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_detection_seconds")
        .help(
            "Time spent evaluating rules over events (divide by dockward_events_total for the mean per event)")
        .callback(cb -> cb.call(pipeline.detectionSeconds()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_source_restarts")
        .help("Times a source's thread failed and was started again, by source")
        .labelNames("source")
        .callback(cb -> sources.forEach(s -> cb.call(s.restarts(), s.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dockward_source_pass_seconds")
        .help("How long the last full pass of a source took (the /proc scan, the cgroup sample)")
        .labelNames("source")
        .callback(
            cb ->
                sources.forEach(
                    s -> s.lastPass().ifPresent(d -> cb.call(d.toNanos() / 1e9, s.name()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dockward_ship_in_flight")
        .help("Records sent and not yet acknowledged, by sink")
        .labelNames("sink")
        .callback(cb -> shippers.forEach(s -> cb.call(s.inFlight(), s.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_rule_evaluation_errors")
        .help("Rule conditions that failed on an event (counted as no match), by rule")
        .labelNames("rule")
        .callback(cb -> detector.evaluationErrors().forEach((rule, n) -> cb.call(n, rule)))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_alerts_suppressed")
        .help("Alerts held back by dedupe and rate limits, by rule")
        .labelNames("rule")
        .callback(cb -> detector.suppressedAlerts().forEach((rule, n) -> cb.call(n, rule)))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_alert_throttle_evictions")
        .help(
            "Noise-control state forgotten at its cap (window: a dedupe window, its next repeat went out; count: a held-back count no alert carried)")
        .labelNames("state")
        .callback(cb -> detector.noiseControlEvictions().forEach((state, n) -> cb.call(n, state)))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_shipped")
        .help("Records delivered, by sink")
        .labelNames("sink")
        .callback(cb -> shippers.forEach(s -> cb.call(s.shipped(), s.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_ship_failures")
        .help("Failed deliveries, by sink")
        .labelNames("sink")
        .callback(cb -> shippers.forEach(s -> cb.call(s.failures(), s.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_ship_trimmed")
        .help("Records sent again cut smaller after the sink refused their size, by sink")
        .labelNames("sink")
        .callback(cb -> shippers.forEach(s -> cb.call(s.trimmed(), s.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_ship_rejected")
        .help(
            "Records the sink refused for good even cut to the smallest size tried, by sink (left in the journal)")
        .labelNames("sink")
        .callback(cb -> shippers.forEach(s -> cb.call(s.rejected(), s.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_container_enrichment_fallbacks")
        .help(
            "Events whose container the inventory did not know: filled in from a snapshot, or left with the id alone")
        .labelNames("result")
        .callback(
            cb -> {
              cb.call(pipeline.containersFromSnapshot(), "snapshot");
              cb.call(pipeline.containersUnresolved(), "unresolved");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("dockward_containers")
        .help("Containers in the Docker inventory")
        .callback(cb -> cb.call(inventory.size()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_cgroup_samples")
        .help("Container cgroup samples taken (resource_sample events made)")
        .callback(
            cb ->
                sources.stream()
                    .filter(CgroupResourceSource.class::isInstance)
                    .forEach(s -> cb.call(((CgroupResourceSource) s).samples())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dockward_journal_bytes")
        .help("Bytes on disk of the journal directory")
        .callback(cb -> cb.call(directoryBytes(journalDir)))
        .register(registry);
  }

  /**
   * Adds {@code dockward_source_up{source}}: 1 while a sensor runs fully, 0 while it is degraded (a
   * missing privilege, a sandbox, a failure); sensors turned off in the configuration are left out.
   */
  public void sensors(SensorStates sensors) {
    GaugeWithCallback.builder()
        .name("dockward_source_up")
        .help(
            "1 while a sensor sees all it should, 0 while it is degraded (see /health/ready for the reason)")
        .labelNames("source")
        .callback(
            cb ->
                sensors.now().stream()
                    .filter(s -> !"off".equals(s.state()))
                    .forEach(s -> cb.call(s.degraded() ? 0 : 1, s.name())))
        .register(registry);
  }

  /**
   * Adds the agent's own process and JVM ({@code jvm_*}, {@code process_*}: heap, GC, threads, CPU,
   * open files) and {@code dockward_build_info{version}}, always 1.
   */
  public void process(String version) {
    JvmMetrics.builder().register(registry);
    GaugeWithCallback.builder()
        .name("dockward_build_info")
        .help("The agent's version, as a label; always 1")
        .labelNames("version")
        .callback(cb -> cb.call(1, version))
        .register(registry);
  }

  /**
   * Adds how far each sink is behind the journal: {@code dockward_ship_lag_records{sink}} (records
   * journalled after the sink's last committed one) and {@code
   * dockward_ship_last_success_timestamp_seconds{sink}} (when the sink last acknowledged a record;
   * absent before the first).
   */
  public void shipping(ChronicleJournal journal, List<Shipper> shippers) {
    GaugeWithCallback.builder()
        .name("dockward_ship_lag_records")
        .help("Records journalled after the last one each sink committed")
        .labelNames("sink")
        .callback(
            cb ->
                shippers.forEach(
                    s -> journal.recordsAfter(s.committed()).ifPresent(n -> cb.call(n, s.name()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dockward_ship_last_success_timestamp_seconds")
        .help("When each sink last acknowledged a record (Unix time)")
        .labelNames("sink")
        .callback(
            cb ->
                shippers.forEach(
                    s -> s.lastShippedMillis().ifPresent(t -> cb.call(t / 1000.0, s.name()))))
        .register(registry);
  }

  /** Adds the count of records that broke the published schema on their way out. */
  public void schemaViolations(SchemaViolations violations) {
    CounterWithCallback.builder()
        .name("dockward_schema_violations")
        .help(
            "Records that broke the published schema, shipped marked with schema_errors, by sink and kind")
        .labelNames("sink", "kind")
        .callback(cb -> violations.counts().forEach((k, n) -> cb.call(n, k.sink(), k.kind())))
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  static long directoryBytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // rolled away between the listing and the stat
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
