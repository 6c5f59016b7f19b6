package dev.dockward.agent.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalException;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.ship.TextLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dockward replay}: prints the journal's records, in order, as they were written (jsonl)
 * or as short lines (table). Filters by kind, rule and container.
 */
@Command(name = "replay", description = "Print the records of a journal (this host's, or one copied from another).")
final class ReplayCommand implements Callable<Integer> {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--journal", paramLabel = "DIR", defaultValue = "/var/lib/dockward/journal",
      description = "Journal directory (default ${DEFAULT-VALUE}).")
  Path journal;

  @Option(names = "--kind", paramLabel = "alerts|events|all", defaultValue = "all", description = "Which records.")
  String kind;

  @Option(names = "--rule", paramLabel = "ID", description = "Only alerts of this rule.")
  String rule;

  @Option(names = "--container", paramLabel = "NAME|ID", description = "Only records of this container (name, or id prefix).")
  String container;

  @Option(names = "--format", paramLabel = "jsonl|table", defaultValue = "jsonl", description = "Output format.")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!kind.matches("alerts|events|all") || !format.matches("jsonl|table")) {
      err.println("dockward: --kind must be alerts, events or all; --format jsonl or table");
      return 2;
    }
    ObjectMapper json = new ObjectMapper();
    long printed = 0;
    long unreadable = 0;
    try (ChronicleJournal j = ChronicleJournal.openForReading(journal); JournalCursor cursor = j.fromStart()) {
      Optional<JournalRecord> next;
      while ((next = cursor.next()).isPresent()) {
        Map<String, Object> record;
        try {
          record = json.readValue(next.get().json(), MAP);
        } catch (IOException e) {
          unreadable++;
          continue;
        }
        if (selected(record)) {
          out.println(format.equals("jsonl") ? next.get().json() : TextLine.of(record));
          printed++;
        }
      }
    } catch (JournalException e) {
      err.println("dockward: " + e.getMessage());
      return 2;
    }
    out.flush();
    if (unreadable > 0) {
      err.println("dockward: " + unreadable + " records were not valid JSON and were skipped");
    }
    return 0;
  }

  private boolean selected(Map<String, Object> r) {
    Object k = r.get("kind");
    if (kind.equals("alerts") && !"alert".equals(k) || kind.equals("events") && !"event".equals(k)) {
      return false;
    }
    if (rule != null && !rule.equals(r.get("rule"))) {
      return false;
    }
    if (container != null) {
      if (!(r.get("container") instanceof Map<?, ?> c)) {
        return false;
      }
      String id = String.valueOf(c.get("id"));
      return container.equals(c.get("name")) || (container.length() >= 4 && id.startsWith(container));
    }
    return true;
  }
}
