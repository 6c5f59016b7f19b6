package dev.dockward.agent.metrics;

import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalRetention;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The journal's durability and retention counters, read at scrape time. */
public final class JournalMetrics {
  private JournalMetrics() {}

  public static void register(
      PrometheusRegistry registry, ChronicleJournal journal, JournalRetention retention) {
    CounterWithCallback.builder()
        .name("dockward_journal_syncs")
        .help("Times appended records were forced to disk")
        .callback(cb -> cb.call(journal.syncs()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_journal_directory_sync_failures")
        .help(
            "Files beside the journal (checkpoints, chain anchor) replaced while their directory could not be "
                + "forced to disk (a power cut may bring back the previous file)")
        .callback(cb -> cb.call(journal.files().directoriesNotSynced()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_journal_cycles_deleted")
        .help("Roll cycles deleted by retention (age or size)")
        .callback(cb -> cb.call(retention.deletedCycles()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dockward_journal_overflow_records")
        .help("Records deleted over the journal's size limit before every sink shipped them")
        .callback(cb -> cb.call(retention.overflowRecords()))
        .register(registry);
  }
}
