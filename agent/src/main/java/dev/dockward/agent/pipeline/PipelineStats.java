package dev.dockward.agent.pipeline;

import dev.dockward.agent.journal.JournalWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the pipeline counted; read by logs and by the metrics endpoint. */
public final class PipelineStats {
  /** An event's source and type, the labels events are counted by. */
  public record EventKind(String source, String type) {}

  final LongAdder events = new LongAdder();
  final LongAdder alerts = new LongAdder();
  final LongAdder journalFailures = new LongAdder();
  final LongAdder detectorFailures = new LongAdder();
  final LongAdder enrichFailures = new LongAdder();
  final LongAdder unrecordable = new LongAdder();
  final LongAdder detectionNanos = new LongAdder();
  final LongAdder journalNanos = new LongAdder();
  final LongAdder containersFromSnapshot = new LongAdder();
  final LongAdder containersUnresolved = new LongAdder();
  private final LongAdder trimmedToFieldCaps = new LongAdder();
  private final LongAdder trimmedToRecordSize = new LongAdder();
  private final Map<EventKind, LongAdder> eventsByKind = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> alertsByRule = new ConcurrentHashMap<>();

  void countEvent(String source, String type) {
    events.increment();
    eventsByKind.computeIfAbsent(new EventKind(source, type), k -> new LongAdder()).increment();
  }

  void countAlert(String rule) {
    alerts.increment();
    alertsByRule.computeIfAbsent(rule, k -> new LongAdder()).increment();
  }

  void countTrim(JournalWriter.Trim trim) {
    if (trim == JournalWriter.Trim.FIELD_CAP) {
      trimmedToFieldCaps.increment();
    } else if (trim == JournalWriter.Trim.RECORD_SIZE) {
      trimmedToRecordSize.increment();
    }
  }

  /** Records journalled with values cut to their field caps (and no further). */
  public long trimmedToFieldCaps() {
    return trimmedToFieldCaps.sum();
  }

  /** Records the size guard cut to fit {@code RecordBounds.MAX_RECORD_BYTES}. */
  public long trimmedToRecordSize() {
    return trimmedToRecordSize.sum();
  }

  /**
   * Nanoseconds the pipeline thread spent appending records to the journal (events and alerts),
   * measured around each append: the journal's share of the pipeline's time, for benchmarks.
   */
  public long journalNanos() {
    return journalNanos.sum();
  }

  public long events() {
    return events.sum();
  }

  public long alerts() {
    return alerts.sum();
  }

  public long journalFailures() {
    return journalFailures.sum();
  }

  public long detectorFailures() {
    return detectorFailures.sum();
  }

  /** Events whose enrichment failed: journalled without their container. */
  public long enrichFailures() {
    return enrichFailures.sum();
  }

  /** Events that could not be made a record at all: lost. */
  public long unrecordable() {
    return unrecordable.sum();
  }

  /** Events whose container had left the inventory and was filled in from its last snapshot. */
  public long containersFromSnapshot() {
    return containersFromSnapshot.sum();
  }

  /**
   * Events whose container id neither the inventory nor a snapshot knew (the record keeps the id
   * alone).
   */
  public long containersUnresolved() {
    return containersUnresolved.sum();
  }

  /** Time spent evaluating rules, summed over every event. */
  public double detectionSeconds() {
    return detectionNanos.sum() / 1e9;
  }

  public Map<EventKind, Long> eventsByKind() {
    Map<EventKind, Long> out = new HashMap<>();
    eventsByKind.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> alertsByRule() {
    Map<String, Long> out = new TreeMap<>();
    alertsByRule.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
