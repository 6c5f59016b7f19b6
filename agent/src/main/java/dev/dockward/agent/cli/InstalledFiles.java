package dev.dockward.agent.cli;

import java.nio.file.Path;

/**
 * Where an installed agent keeps its configuration: {@code /etc/dockward} on a host, another
 * directory in tests (so no test depends on what the machine has installed).
 *
 * @param etc the directory holding {@code dockward.yaml} and {@code rules.d}
 */
record InstalledFiles(Path etc) {
  /** The package's location. */
  static final Path SYSTEM_ETC = Path.of("/etc/dockward");

  /** {@code dockward.yaml}: the config every command uses when given no {@code --config}. */
  Path configFile() {
    return etc.resolve("dockward.yaml");
  }

  /**
   * {@code rules.d}: the administrator's rules, loaded when no config file names the rule paths.
   */
  Path rulesDir() {
    return etc.resolve("rules.d");
  }
}
