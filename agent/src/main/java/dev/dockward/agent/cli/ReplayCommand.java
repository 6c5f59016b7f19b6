package dev.dockward.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.config.NetworkPolicyLoader;
import dev.dockward.agent.detect.AlertStages;
import dev.dockward.agent.detect.AncestryEnricher;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.agent.journal.ChainVerifier;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalException;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.agent.netpolicy.RecordedFlows;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.replay.JournalledContainers;
import dev.dockward.agent.replay.ProcessTree;
import dev.dockward.agent.replay.RecordView;
import dev.dockward.agent.replay.ReplayQuery;
import dev.dockward.agent.replay.Replayer;
import dev.dockward.agent.replay.TimeArgs;
import dev.dockward.agent.ship.TextLine;
import dev.dockward.agent.ship.format.RecordFormat;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dockward replay}: the journal's records for a responder, filtered, in journal order; with
 * {@code --rules}, what a rule set would have raised over the recorded events.
 */
@Command(
    name = "replay",
    description = "Print the records of a journal (this host's, or one copied from another).")
final class ReplayCommand implements Callable<Integer> {
  /** Replayed alerts are hypothetical: their ids carry no host's prefix. */
  static final String RERUN_ID_PREFIX = "000000000000";

  /** Processes remembered for the ancestry of re-run alerts. */
  private static final int RECENT_PROCESSES = 65536;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private ReplayProgress progressLine;

  /** {@code --tail}: the last matching lines, until the end of the journal is reached. */
  private Deque<String> lastLines;

  private boolean tailFlushed;

  @Option(
      names = "--journal",
      paramLabel = "DIR",
      defaultValue = "/var/lib/dockward/journal",
      description = "Journal directory (default ${DEFAULT-VALUE}).")
  Path journal;

  @Option(
      names = "--since",
      paramLabel = "T",
      description = "From this time: RFC 3339 or an age (30m, 2h, 7d).")
  String since;

  @Option(names = "--until", paramLabel = "T", description = "Up to this time: RFC 3339 or an age.")
  String until;

  /** Which records {@code --kind} selects. */
  enum Kind {
    ALERTS,
    EVENTS,
    ALL;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      defaultValue = "all",
      description = "Which records: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Kind kind;

  @Option(
      names = "--type",
      paramLabel = "T",
      split = ",",
      description = "Only events of these types (exec, container_start, …).")
  List<String> types = new ArrayList<>();

  @Option(names = "--rule", paramLabel = "ID", description = "Only alerts of this rule.")
  String rule;

  @Option(
      names = "--severity",
      paramLabel = "MIN",
      description = "Only alerts at least this severe: ${COMPLETION-CANDIDATES}.")
  Severity severity;

  @Option(
      names = "--container",
      paramLabel = "NAME|ID",
      description = "Only records of this container (name, or id prefix).")
  String container;

  @Option(
      names = "--rules",
      paramLabel = "FILE|DIR",
      description =
          "Run these rules over the recorded events and print the alerts they raise (repeatable).")
  List<Path> rules = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "With --rules: judge the recorded flows again under this network policy file (the format of "
              + "sources.network.policy) before the rules run; learning is not replayed.")
  Path policy;

  @Option(
      names = "--follow",
      description = "Keep printing records as they are journalled (Ctrl-C ends).")
  boolean follow;

  @Option(
      names = "--tree",
      description =
          "With --container: the container's process tree rebuilt from exec and exit events.")
  boolean tree;

  @Option(
      names = "--timeline",
      description =
          "With --container: its lifecycle, processes, sessions and alerts in time order, as a table.")
  boolean timeline;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "jsonl",
      completionCandidates = LineFormat.Names.class,
      description =
          "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; text is the one-line human "
              + "format; table, its earlier name here, still works but is deprecated).")
  LineFormat format;

  @Option(
      names = "--output-format",
      paramLabel = "OUTPUT_FORMAT",
      defaultValue = "native",
      completionCandidates = OutputFormats.class,
      description =
          "With jsonl: alerts and agent lifecycle records as ${COMPLETION-CANDIDATES} "
              + "(default ${DEFAULT-VALUE}; OCSF 1.4.0 or ECS 8.11, as the sinks write them), for re-ingesting into a SIEM.")
  RecordFormat outputFormat;

  @Option(
      names = "--tail",
      paramLabel = "N",
      description =
          "Only the last N matching records (with --follow: the last N, then new ones as they come).")
  Integer tail;

  @Option(
      names = "--progress",
      negatable = true,
      description =
          "A line on stderr every 2 s while scanning, and a summary "
              + "(scanned N records, M matched in Xs) at the end; default: when stderr is a terminal.")
  Boolean progress;

  @Option(
      names = "--verify",
      description =
          "Check the journal's hash chain and report every break (exit code 1 when broken).")
  boolean verify;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    format = format.resolve(err);
    ReplayQuery query;
    try {
      if (tail != null && (tail < 0 || tree || verify)) {
        throw new IllegalArgumentException(
            "--tail takes N >= 0 and does not go with --tree or --verify");
      }
      if (outputFormat != RecordFormat.NATIVE && format != LineFormat.JSONL) {
        throw new IllegalArgumentException(
            "--output-format "
                + outputFormat.name().toLowerCase(Locale.ROOT)
                + " needs --format jsonl");
      }
      query = query();
    } catch (IllegalArgumentException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (policy != null && rules.isEmpty()) {
      err.println("dockward: --policy needs --rules");
      err.flush();
      return 2;
    }
    if ((tree || timeline) && container == null) {
      err.println("dockward: --tree and --timeline need --container NAME|ID");
      err.flush();
      return 2;
    }
    if (timeline) {
      format = LineFormat.TEXT;
      types.addAll(
          List.of(
              "container_start",
              "container_stop",
              "docker_exec",
              "exec",
              "exit",
              "oom",
              "uid_change",
              "ptrace",
              "posture_finding"));
      query = query();
    }
    if (verify) {
      return verify(out, err);
    }
    AtomicBoolean interrupted = new AtomicBoolean();
    if (follow) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> interrupted.set(true)));
    }
    progressLine =
        new ReplayProgress(
            err, progress == null ? ReplayProgress.stderrIsTerminal() : progress, System::nanoTime);
    lastLines = tail == null ? null : new ArrayDeque<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(journal)) {
      Replayer replayer = new Replayer(j, progressLine::scanned);
      // Records journalled with a container id alone are named from the journal's snapshots when
      // a container is asked for, rules run or a table is read; a plain dump stays verbatim.
      JournalledContainers containers =
          container != null || !rules.isEmpty() || tree || format == LineFormat.TEXT
              ? JournalledContainers.of(new Replayer(j), query.until())
              : new JournalledContainers();
      Replayer.Counts counts;
      if (tree) {
        ProcessTree processes = new ProcessTree();
        ReplayQuery lifecycle =
            new ReplayQuery(
                query.since(),
                query.until(),
                Set.of("event"),
                query.container(),
                Set.of("exec", "exit"),
                Optional.empty(),
                Optional.empty());
        counts =
            replayer.replay(
                lifecycle.anyContainer(),
                r -> {
                  Map<String, Object> record = containers.resolve(r.map());
                  if (lifecycle.matches(record)) {
                    processes.add(record);
                  }
                },
                false,
                () -> true);
        processes.render().forEach(out::println);
      } else if (rules.isEmpty() && containers.size() == 0) {
        counts = replayer.replay(query, r -> print(out, r), follow, atEnd(out, interrupted));
      } else if (rules.isEmpty()) {
        ReplayQuery selection = query;
        counts =
            replayer.replay(
                query.anyContainer(),
                r -> {
                  Map<String, Object> record = containers.resolve(r.map());
                  if (selection.matches(record)) {
                    print(out, r, record);
                  }
                },
                follow,
                atEnd(out, interrupted));
      } else {
        counts = rerun(replayer, query, containers, out, err, interrupted);
        if (counts == null) {
          return 2;
        }
      }
      flushTail(out);
      out.flush();
      progressLine.finish();
      if (counts.unreadable() > 0) {
        err.println(
            "dockward: " + counts.unreadable() + " records were not valid JSON and were skipped");
      }
    } catch (JournalException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return 2;
    }
    err.flush();
    return 0;
  }

  private ReplayQuery query() {
    Instant now = Instant.now();
    Set<String> kinds =
        switch (kind) {
          case ALERTS -> Set.of("alert");
          case EVENTS -> Set.of("event");
          case ALL -> Set.of("event", "alert");
        };
    Optional<Severity> min = Optional.ofNullable(severity);
    return new ReplayQuery(
        Optional.ofNullable(since).map(t -> TimeArgs.parse(t, now)),
        Optional.ofNullable(until).map(t -> TimeArgs.parse(t, now)),
        kinds,
        Optional.ofNullable(container),
        new HashSet<>(types),
        Optional.ofNullable(rule),
        min);
  }

  /**
   * Runs the given rules over the selected events; prints the alerts that pass the alert filters.
   * With {@code --policy}, every flow in the time range is judged again first (before the container
   * filter, so that each sender's scan counts see all its flows).
   */
  private Replayer.Counts rerun(
      Replayer replayer,
      ReplayQuery query,
      JournalledContainers containers,
      PrintWriter out,
      PrintWriter err,
      AtomicBoolean interrupted) {
    Optional<RecordedFlows> flows;
    try {
      flows =
          policy == null
              ? Optional.empty()
              : Optional.of(
                  new RecordedFlows(new NetworkPolicyLoader().load(policy), containers::byId));
    } catch (ConfigException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return null;
    }
    LoadResult loaded = RuleSetLoading.load(false, rules, err);
    if (loaded.ruleSet().rules().isEmpty()) {
      err.println("dockward: no rule loaded from " + rules);
      err.flush();
      return null;
    }
    // The live agent's alert stages, with its default noise control, so the answer matches what it
    // would have printed.
    Detector throttled =
        AlertStages.over(
            new RuleDetector(new RuleEngine(loaded.ruleSet())), AgentConfig.DEFAULT.alerts());
    // Ancestry from the journalled processes alone: this host's /proc is not the recorded one.
    Detector detector =
        new AncestryEnricher(throttled, new RecentProcesses(RECENT_PROCESSES), ProcessLineage.NONE);
    RecordIds ids = new RecordIds(RERUN_ID_PREFIX, 0, 1);
    ReplayQuery events =
        new ReplayQuery(
            query.since(),
            query.until(),
            Set.of("event"),
            query.container(),
            query.types(),
            Optional.empty(),
            Optional.empty());
    ReplayQuery alerts =
        new ReplayQuery(
            Optional.empty(),
            Optional.empty(),
            Set.of("alert"),
            Optional.empty(),
            Set.of(),
            query.rule(),
            query.minSeverity());
    ObjectMapper json = new ObjectMapper();
    return replayer.replay(
        events.anyContainer(),
        r -> {
          Map<String, Object> resolved = containers.resolve(r.map());
          Map<String, Object> event = flows.isPresent() ? flows.get().judge(resolved) : resolved;
          if (!events.matches(event)) {
            return;
          }
          for (Map<String, Object> alert : detector.alertsFor(event, ids::next)) {
            if (alerts.matches(alert)) {
              try {
                print(
                    out,
                    format == LineFormat.JSONL
                        ? json.writeValueAsString(shaped(alert))
                        : TextLine.of(alert));
              } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
              }
            }
          }
        },
        follow,
        atEnd(out, interrupted));
  }

  /**
   * {@code --verify}: every break of the hash chain, then a summary; 1 when broken, 2 when
   * unreadable.
   */
  private int verify(PrintWriter out, PrintWriter err) {
    ChainVerifier.Result result;
    try (ChronicleJournal j = ChronicleJournal.openForReading(journal)) {
      result = new ChainVerifier().verify(j);
    } catch (JournalException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return 2;
    }
    for (ChainVerifier.Break b : result.breaks()) {
      out.printf(
          "break at index %d: expected %s, found %s (%s)%n",
          b.index(), b.expected(), b.found(), b.reason());
    }
    if (result.trimmed() && result.anchored()) {
      out.printf(
          "note: entries before index %d were deleted by retention; the oldest entry continues from the "
              + "hash retention recorded%n",
          result.firstIndex());
    } else if (!result.anchored()) {
      out.printf(
          "note: the oldest entry (index %d) does not chain to the start of a journal and no retention anchor "
              + "covers it: older entries were removed (or it was edited); the chain is checked from there%n",
          result.firstIndex());
    }
    if (result.unchained() > 0) {
      out.printf(
          "note: %d entries were written before the journal had a hash chain and cannot be checked%n",
          result.unchained());
    }
    out.printf(
        "%s: %d entries checked, %s%n",
        journal,
        result.entries(),
        result.intact() ? "chain intact" : result.breaks().size() + " breaks");
    out.flush();
    return result.intact() ? 0 : 1;
  }

  private void print(PrintWriter out, RecordView record) {
    if (format == LineFormat.JSONL && outputFormat != RecordFormat.NATIVE) {
      print(out, record, record.map());
      return;
    }
    print(out, format == LineFormat.JSONL ? record.json() : TextLine.of(record.map()));
  }

  /**
   * The journalled text when resolving changed nothing, else the record with its container named.
   */
  private void print(PrintWriter out, RecordView journalled, Map<String, Object> resolved) {
    if (resolved == journalled.map() && outputFormat == RecordFormat.NATIVE) {
      print(out, journalled);
      return;
    }
    try {
      print(
          out,
          format == LineFormat.JSONL
              ? new ObjectMapper().writeValueAsString(shaped(resolved))
              : TextLine.of(resolved));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The record in {@code --output-format}; a mapped alert describes its rule from the alert's own
   * rule_description.
   */
  private Map<String, Object> shaped(Map<String, Object> record) {
    return outputFormat.apply(
        record,
        id ->
            record.get("rule_description") instanceof String d ? Optional.of(d) : Optional.empty());
  }

  private void print(PrintWriter out, String line) {
    progressLine.matched();
    if (lastLines != null && !tailFlushed) {
      lastLines.addLast(line);
      if (lastLines.size() > tail) {
        lastLines.removeFirst();
      }
      return;
    }
    out.println(line);
    if (follow) {
      out.flush();
    }
  }

  /**
   * The stop test of a replay, which the replayer asks only on reaching the journal's end: the
   * moment {@code --tail}'s last records are complete and, with {@code --follow}, live ones begin.
   */
  private BooleanSupplier atEnd(PrintWriter out, AtomicBoolean interrupted) {
    return () -> {
      flushTail(out);
      return interrupted.get();
    };
  }

  private void flushTail(PrintWriter out) {
    if (lastLines == null || tailFlushed) {
      return;
    }
    tailFlushed = true;
    lastLines.forEach(out::println);
    lastLines.clear();
    out.flush();
  }
}
