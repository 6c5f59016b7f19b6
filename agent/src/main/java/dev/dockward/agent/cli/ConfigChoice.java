package dev.dockward.agent.cli;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.agent.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configuration a command runs with, and where it came from: {@code --config FILE} when given,
 * else the installed {@code dockward.yaml} when it exists, else the embedded defaults.
 *
 * @param file the file read; empty for the embedded defaults
 * @param config the configuration
 * @param rulesD the installed {@code rules.d}, when the embedded defaults are used and it exists:
 *     with no file to name rule paths, it is where the administrator's rules are
 */
record ConfigChoice(Optional<Path> file, AgentConfig config, Optional<Path> rulesD) {

  /** Loads the explicit file, or the installed one when present, or takes the defaults. */
  static ConfigChoice resolve(Path explicit, InstalledFiles installed) throws ConfigException {
    if (explicit != null) {
      return new ConfigChoice(
          Optional.of(explicit), new ConfigLoader().load(explicit), Optional.empty());
    }
    Path file = installed.configFile();
    if (Files.isRegularFile(file)) {
      return new ConfigChoice(Optional.of(file), new ConfigLoader().load(file), Optional.empty());
    }
    Path rulesD = installed.rulesDir();
    return new ConfigChoice(
        Optional.empty(),
        AgentConfig.DEFAULT,
        Files.isDirectory(rulesD) ? Optional.of(rulesD) : Optional.empty());
  }

  /**
   * The rule files and directories to load beside the bundled ones: the config's, rules.d's, then
   * {@code extra}.
   */
  List<Path> rulePaths(List<Path> extra) {
    List<Path> paths = new ArrayList<>();
    config.rules().paths().forEach(p -> paths.add(Path.of(p)));
    rulesD.ifPresent(paths::add);
    paths.addAll(extra);
    return paths;
  }

  /** For the start-up line: which config and which rule paths. */
  String describe(List<Path> extra) {
    List<Path> paths = rulePaths(extra);
    return "config "
        + file.map(Path::toString).orElse("(embedded defaults)")
        + "; rules: "
        + (config.rules().bundled() ? "bundled" : "no bundled")
        + (paths.isEmpty()
            ? ""
            : " + " + String.join(", ", paths.stream().map(Path::toString).toList()));
  }
}
