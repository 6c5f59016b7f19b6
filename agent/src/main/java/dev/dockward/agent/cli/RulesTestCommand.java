package dev.dockward.agent.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalException;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.agent.replay.ReplayQuery;
import dev.dockward.agent.replay.Replayer;
import dev.dockward.agent.ship.TextLine;
import dev.dockward.rules.AlertDocuments;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleMatch;
import dev.dockward.rules.RuleSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dockward rules test RULE --events FILE|DIR}: one rule over recorded events (a jsonl file
 * or a journal), every match printed, without noise control, so a rule change can be tried before
 * it is deployed.
 */
@Command(
    name = "test",
    description =
        "Run one rule over recorded events (jsonl file or journal directory) and print what fires.")
final class RulesTestCommand implements Callable<Integer> {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RULE", description = "The rule id.")
  String ruleId;

  @Option(
      names = "--events",
      paramLabel = "FILE|DIR",
      required = true,
      description = "Recorded events: a jsonl file (one record a line) or a journal directory.")
  Path events;

  @Mixin RuleSelection selection;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "jsonl",
      completionCandidates = LineFormat.Names.class,
      description =
          "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; table, the earlier name of "
              + "text, still works but is deprecated).")
  LineFormat format;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LineFormat lines = format.resolve(err);
    LoadResult loaded;
    try {
      loaded = selection.load(spec, err);
    } catch (ConfigException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return 2;
    }
    Optional<RuleSet> one = loaded.ruleSet().only(ruleId);
    if (one.isEmpty()) {
      err.println(
          "dockward: no rule '"
              + ruleId
              + "' loaded"
              + (loaded.hasErrors() ? " (see the problems above)" : ""));
      err.flush();
      return 1;
    }
    RuleEngine engine = new RuleEngine(one.get());
    RecordIds ids = new RecordIds(ReplayCommand.RERUN_ID_PREFIX, 0, 1);
    ObjectMapper json = new ObjectMapper();
    LongAdder seen = new LongAdder();
    LongAdder fired = new LongAdder();
    Consumer<Map<String, Object>> evaluate =
        record -> {
          if (!"event".equals(record.get("kind"))) {
            return;
          }
          seen.increment();
          for (RuleMatch match : engine.evaluate(record)) {
            fired.increment();
            Map<String, Object> alert = AlertDocuments.of(match.toAlert(ids.next(), record));
            try {
              out.println(
                  lines == LineFormat.TEXT ? TextLine.of(alert) : json.writeValueAsString(alert));
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    try {
      if (Files.isDirectory(events)) {
        try (ChronicleJournal j = ChronicleJournal.openForReading(events)) {
          new Replayer(j)
              .replay(
                  new ReplayQuery(
                      Optional.empty(),
                      Optional.empty(),
                      Set.of("event"),
                      Optional.empty(),
                      Set.of(),
                      Optional.empty(),
                      Optional.empty()),
                  r -> evaluate.accept(r.map()),
                  false,
                  () -> true);
        }
      } else {
        readJsonl(json, evaluate, err);
      }
    } catch (JournalException | IOException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return 2;
    }
    out.flush();
    err.println(
        ruleId
            + ": "
            + fired.sum()
            + " matches over "
            + seen.sum()
            + " events"
            + engine
                .stats(ruleId)
                .map(s -> s.errors() > 0 ? " (" + s.errors() + " evaluation errors)" : "")
                .orElse(""));
    err.flush();
    return 0;
  }

  private void readJsonl(ObjectMapper json, Consumer<Map<String, Object>> evaluate, PrintWriter err)
      throws IOException {
    try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          evaluate.accept(json.readValue(line, MAP));
        } catch (IOException e) {
          err.println(events + ":" + n + ": not a JSON record, skipped");
        }
      }
    }
  }
}
