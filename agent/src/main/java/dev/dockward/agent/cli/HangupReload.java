package dev.dockward.agent.cli;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.config.ConfigLoader;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleReloader;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleEngine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP: reads the config file, the rule files and the network policy file again. A config that
 * does not load keeps the running one; a rule or policy file that does not load keeps its last good
 * version; other settings are reported as needing a restart.
 */
final class HangupReload {
  private static final Logger log = LoggerFactory.getLogger(HangupReload.class);

  private final Path configFile;
  private final List<Path> extraRules;
  private final RuleReloader reloader;
  private final RuleDetector detector;
  private final PrintWriter problems;
  private final Consumer<AgentConfig> reloadAgent;
  private AgentConfig running;

  HangupReload(
      Path configFile,
      List<Path> extraRules,
      AgentConfig running,
      RuleReloader reloader,
      RuleDetector detector,
      PrintWriter problems,
      Consumer<AgentConfig> reloadAgent) {
    this.configFile = configFile;
    this.extraRules = List.copyOf(extraRules);
    this.running = running;
    this.reloader = reloader;
    this.detector = detector;
    this.problems = problems;
    this.reloadAgent = reloadAgent;
  }

  /** Installs the handler; the reload runs on its own thread, never in the signal dispatcher. */
  void install() {
    Signal.handle(
        new Signal("HUP"),
        signal -> {
          Thread t = new Thread(this::reload, "dockward-reload");
          t.setDaemon(true);
          t.start();
        });
  }

  synchronized void reload() {
    AgentConfig next = running;
    if (configFile != null) {
      try {
        next = new ConfigLoader().load(configFile);
      } catch (ConfigException e) {
        log.error("reload: {}; keeping the running configuration", e.getMessage());
        return;
      }
      warnAboutRestartOnly(next);
    }
    List<Path> paths = new ArrayList<>();
    next.rules().paths().forEach(p -> paths.add(Path.of(p)));
    paths.addAll(extraRules);
    LoadResult loaded = reloader.load(next.rules().bundled(), paths, problems);
    if (loaded.ruleSet().rules().isEmpty()) {
      log.error("reload: no rule loads; keeping the running rules");
      return;
    }
    detector.replace(new RuleEngine(loaded.ruleSet()));
    reloadAgent.accept(next);
    running = next;
    log.info(
        "reload: {} rules loaded (rule set {}), {} problems",
        loaded.ruleSet().rules().size(),
        loaded.ruleSet().digest().shortForm(),
        loaded.problems().size());
  }

  private void warnAboutRestartOnly(AgentConfig next) {
    List<String> changed = new ArrayList<>();
    if (!Objects.equals(next.journal(), running.journal())) {
      changed.add("journal");
    }
    if (!Objects.equals(next.sources(), running.sources())) {
      changed.add("sources");
    }
    if (!Objects.equals(next.sinks(), running.sinks())) {
      changed.add("sinks");
    }
    if (!Objects.equals(next.metrics(), running.metrics())) {
      changed.add("metrics");
    }
    if (!Objects.equals(next.pipeline(), running.pipeline())
        || !Objects.equals(next.host(), running.host())) {
      changed.add("pipeline/host");
    }
    if (!changed.isEmpty()) {
      log.warn(
          "reload: changes to {} take effect after a restart; rules are reloaded now", changed);
    }
  }
}
