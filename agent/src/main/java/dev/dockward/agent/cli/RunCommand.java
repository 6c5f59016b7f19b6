package dev.dockward.agent.cli;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.BootstrapServers;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleReloader;
import dev.dockward.agent.journal.JournalException;
import dev.dockward.agent.ship.format.RecordFormat;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleEngine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dockward run}: the agent. Runs until SIGTERM/SIGINT or {@code --duration}. */
@Command(
    name = "run",
    description = "Run the agent: watch this host's containers, journal and ship alerts.")
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML config (default: /etc/dockward/dockward.yaml when it exists, else the embedded defaults; "
              + "the first line on stderr names the file used).")
  Path config;

  @Option(
      names = "--journal",
      paramLabel = "DIR",
      description =
          "Journal directory (default: the config's journal.dir, " + "/var/lib/dockward/journal).")
  Path journal;

  @Option(
      names = "--rules",
      paramLabel = "FILE|DIR",
      description =
          "Extra rule file or directory beside the config's rules.paths (repeatable). Without a config file, "
              + "/etc/dockward/rules.d is loaded when it exists.")
  List<Path> rules = new ArrayList<>();

  @Option(names = "--stdout", description = "Print alerts on stdout beside the other sinks.")
  boolean stdout;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      completionCandidates = LineFormat.Names.class,
      description = "stdout format: ${COMPLETION-CANDIDATES} (default jsonl).")
  LineFormat format;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT[,HOST:PORT]",
      description =
          "Ship alerts to this Kafka (the config's sinks.kafka settings, enabled, with these servers).")
  String kafka;

  @Option(
      names = "--output-format",
      paramLabel = "OUTPUT_FORMAT",
      completionCandidates = OutputFormats.class,
      description =
          "Shape of the alerts and agent lifecycle records the sinks write: ${COMPLETION-CANDIDATES} "
              + "(default native; OCSF 1.4.0 or ECS 8.11).")
  RecordFormat outputFormat;

  @Option(
      names = "--duration",
      paramLabel = "D",
      description = "Stop after this long (e.g. 30s, 5m).")
  Duration duration;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    ConfigChoice choice;
    AgentConfig effective;
    try {
      choice = ConfigChoice.resolve(config, DockwardCli.installed(spec));
      effective = merge(choice.config());
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("dockward: " + e.getMessage());
      return 2;
    }
    // Which file and rules: the first thing an administrator needs to know on an installed host.
    err.println("dockward: " + choice.describe(rules));
    List<Path> rulePaths = choice.rulePaths(rules);
    RuleReloader reloader = new RuleReloader();
    LoadResult loaded = reloader.load(effective.rules().bundled(), rulePaths, err);
    if (loaded.ruleSet().rules().isEmpty()) {
      err.println("dockward: no rule loaded; refusing to run without detection");
      return 2;
    }
    if (loaded.hasErrors()) {
      err.println(
          "dockward: some rules did not load (see above); running with the "
              + loaded.ruleSet().rules().size()
              + " that did");
    }

    err.flush();
    CountDownLatch stop = new CountDownLatch(1);
    RuleDetector detector = new RuleDetector(new RuleEngine(loaded.ruleSet()));
    Agent agent;
    try {
      // The stdout sink writes to the process's real stdout, record by record.
      agent = Agent.start(effective, detector, System.out);
    } catch (JournalException e) {
      err.println("dockward: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("dockward: could not start: " + e);
      return 2;
    }
    List<Path> reloadedBeside = new ArrayList<>(choice.rulesD().stream().toList());
    reloadedBeside.addAll(rules);
    new HangupReload(
            choice.file().orElse(null),
            reloadedBeside,
            choice.config(),
            reloader,
            detector,
            err,
            agent::reload)
        .install();
    // SIGTERM and SIGINT run shutdown hooks: stop cleanly so the journal is flushed and closed.
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              agent.close();
            },
            "dockward-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (duration == null) {
      stop.await();
    } else {
      stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
    agent.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: the agent is closed either way
    }
    return 0;
  }

  private AgentConfig merge(AgentConfig c) {
    AgentConfig.Journal j =
        journal == null
            ? c.journal()
            : new AgentConfig.Journal(
                journal.toString(),
                c.journal().rollCycle(),
                c.journal().syncInterval(),
                c.journal().retention());
    AgentConfig.Stdout s = c.sinks().stdout();
    LineFormat line = format == null ? null : format.resolve(spec.commandLine().getErr());
    AgentConfig.Stdout stdoutSink =
        new AgentConfig.Stdout(
            stdout ? AgentConfig.StdoutMode.ON : s.enabled(),
            line == null ? s.format() : line.sinkFormat(),
            s.events(),
            outputFormat == null ? s.outputFormat() : outputFormat);
    AgentConfig.Kafka k = c.sinks().kafka();
    if (kafka != null) {
      if (!BootstrapServers.valid(kafka)) {
        throw new IllegalArgumentException(
            "--kafka must be HOST:PORT[,HOST:PORT…], not '" + kafka + "'");
      }
      k =
          new AgentConfig.Kafka(
              true, kafka, k.topics(), k.events(), k.properties(), k.outputFormat());
    }
    if (outputFormat != null) {
      k =
          new AgentConfig.Kafka(
              k.enabled(),
              k.bootstrapServers(),
              k.topics(),
              k.events(),
              k.properties(),
              outputFormat);
    }
    return c.withJournal(j).withSinks(new AgentConfig.Sinks(stdoutSink, k, c.sinks().file()));
  }
}
