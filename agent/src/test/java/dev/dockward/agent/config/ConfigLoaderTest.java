package dev.dockward.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.agent.ship.format.RecordFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void emptyFileGivesTheEmbeddedDefaults() throws ConfigException {
    AgentConfig c = loader.parse("empty.yaml", "");
    assertEquals("/var/lib/dockward/journal", c.journal().dir());
    assertEquals(AgentConfig.StdoutMode.AUTO, c.sinks().stdout().enabled());
    assertEquals(Duration.ofSeconds(1), c.sources().procScan().interval());
    assertEquals("unix:///var/run/docker.sock", c.sources().docker().host());
    assertTrue(c.rules().bundled());
    assertTrue(c.sources().netlink().enabled(), "netlink is on by default");
  }

  @Test
  void snakeCaseKeysAreRead() throws ConfigException {
    AgentConfig c =
        loader.parse(
            "c.yaml",
            """
        journal:
          dir: /srv/journal
          roll_cycle: daily
        rules:
          paths: [/etc/dockward/rules.d]
        sources:
          proc_scan: {interval: 250ms}
          docker: {max_backoff: 5s}
          netlink: {enabled: false}
        sinks:
          stdout: {format: text, events: true}
        """);
    assertEquals("/srv/journal", c.journal().dir());
    assertEquals(AgentConfig.RollCycle.DAILY, c.journal().rollCycle());
    assertEquals(List.of("/etc/dockward/rules.d"), c.rules().paths());
    assertEquals(Duration.ofMillis(250), c.sources().procScan().interval());
    assertEquals(Duration.ofSeconds(5), c.sources().docker().maxBackoff());
    assertEquals(false, c.sources().netlink().enabled());
    assertEquals(OutputFormat.TEXT, c.sinks().stdout().format());
    assertTrue(c.sinks().stdout().events());
  }

  @Test
  void alertsGlobalCapHasADefaultAndIsChecked() throws ConfigException {
    assertEquals(6000, loader.parse("empty.yaml", "").alerts().globalPerMinute());
    AgentConfig c = loader.parse("c.yaml", "alerts: {global_per_minute: 250}\n");
    assertEquals(250, c.alerts().globalPerMinute());
    assertEquals(600, c.alerts().rulePerMinute(), "the others keep their defaults");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "alerts: {global_per_minute: -1}\n"));
    assertTrue(e.getMessage().contains("alerts.global_per_minute"), e.getMessage());
  }

  @Test
  void auditIsOffByDefaultAndTurnsOn() throws ConfigException {
    assertEquals(false, loader.parse("empty.yaml", "").sources().audit().enabled());
    AgentConfig c = loader.parse("c.yaml", "sources:\n  audit: {enabled: true}\n");
    assertTrue(c.sources().audit().enabled());
    assertTrue(c.sources().netlink().enabled(), "netlink stays on beside it");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "sources:\n  audit: {enabld: true}\n"));
    assertTrue(e.getMessage().contains("enabld"), e.getMessage());
  }

  @Test
  void theShippedConfigurationParses() throws Exception {
    AgentConfig c =
        loader.parse(
            "dockward.yaml",
            Files.readString(
                Path.of("")
                    .toAbsolutePath()
                    .getParent()
                    .resolve("packaging/src/deb/dockward.yaml")));
    assertEquals(false, c.sources().audit().enabled());
  }

  @Test
  void hostWatchHasDefaultsAndItsIntervalsAreChecked() throws ConfigException {
    AgentConfig defaults = loader.parse("empty.yaml", "");
    assertTrue(defaults.sources().hostWatch().enabled());
    assertEquals(Duration.ofSeconds(1), defaults.sources().hostWatch().interval());
    assertEquals(Duration.ofMillis(250), defaults.sources().hostWatch().socketInterval());
    AgentConfig c =
        loader.parse(
            "c.yaml",
            "sources:\n  host_watch: {enabled: false, interval: 5s, socket_interval: 1s}\n");
    assertEquals(false, c.sources().hostWatch().enabled());
    assertEquals(Duration.ofSeconds(5), c.sources().hostWatch().interval());
    assertEquals(Duration.ofSeconds(1), c.sources().hostWatch().socketInterval());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "sources:\n  host_watch: {socket_interval: 0s}\n"));
    assertTrue(e.getMessage().contains("sources.host_watch.socket_interval"), e.getMessage());
  }

  @Test
  void postureSectionHasDefaultsAndItsIntervalIsChecked() throws ConfigException {
    AgentConfig defaults = loader.parse("empty.yaml", "");
    assertTrue(defaults.posture().enabled());
    assertEquals(Duration.ofMinutes(5), defaults.posture().interval());
    AgentConfig c = loader.parse("c.yaml", "posture: {enabled: false, interval: 90s}\n");
    assertEquals(false, c.posture().enabled());
    assertEquals(Duration.ofSeconds(90), c.posture().interval());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "posture:\n  interval: 5 minutes\n"));
    assertTrue(e.getMessage().contains("posture.interval"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class, () -> loader.parse("c.yaml", "posture: {interval: 0s}\n"));
    assertTrue(e.getMessage().contains("posture.interval: must be more than 0"), e.getMessage());
  }

  @Test
  void postureMinimumVersionsAndRegistryAllowlist() throws ConfigException {
    AgentConfig defaults = loader.parse("empty.yaml", "");
    assertEquals(List.of("25.0.0"), defaults.posture().minDockerVersion());
    assertEquals(List.of("5.10.0"), defaults.posture().minKernelVersion());
    assertEquals(List.of(), defaults.posture().registryAllowlist());
    AgentConfig c =
        loader.parse(
            "c.yaml",
            "posture:\n  min_docker_version: [\"25.0.6\", 26.1.5]\n"
                + "  min_kernel_version: []\n  registry_allowlist: [docker.io, \"registry.example.com:5000\"]\n");
    assertEquals(List.of("25.0.6", "26.1.5"), c.posture().minDockerVersion());
    assertEquals(List.of(), c.posture().minKernelVersion());
    assertEquals(
        List.of("docker.io", "registry.example.com:5000"), c.posture().registryAllowlist());
    assertEquals(
        List.of("5.10"),
        loader
            .parse("c.yaml", "posture:\n  min_kernel_version: [5.10]\n")
            .posture()
            .minKernelVersion(),
        "the YAML text, not the number 5.1");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "posture:\n  min_kernel_version: [5.x]\n"));
    assertTrue(
        e.getMessage().contains("posture.min_kernel_version: '5.x' is not a release"),
        e.getMessage());
  }

  @Test
  void outputFormatsAreReadPerSinkAndCheckedByName() throws ConfigException {
    AgentConfig c =
        loader.parse(
            "c.yaml", "sinks:\n  stdout: {output_format: ocsf}\n  kafka: {output_format: ecs}\n");
    assertEquals(RecordFormat.OCSF, c.sinks().stdout().outputFormat());
    assertEquals(RecordFormat.ECS, c.sinks().kafka().outputFormat());
    assertEquals(RecordFormat.NATIVE, AgentConfig.DEFAULT.sinks().stdout().outputFormat());
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sinks:\n  stdout: {output_format: cef}\n"))
            .getMessage()
            .contains("sinks.stdout.output_format"));
  }

  @Test
  void unknownKeyIsNamedWithItsLineAndParent() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                loader.parse(
                    "c.yaml",
                    """
        journal:
          dir: /srv/journal
          retention_dayz: 7
        """));
    assertTrue(e.getMessage().startsWith("c.yaml:3:"), e.getMessage());
    assertTrue(
        e.getMessage().contains("unknown key 'retention_dayz' under 'journal'"), e.getMessage());
    assertTrue(e.getMessage().contains("roll_cycle"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> loader.parse("c.yaml", "kafak:\n  brokers: x\n"));
    assertTrue(e.getMessage().contains("unknown key 'kafak' at the top level"), e.getMessage());
  }

  @Test
  void badValuesAreRejectedWithTheirKey() {
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sources:\n  proc_scan: {interval: soon}\n"))
            .getMessage()
            .contains("sources.proc_scan.interval"));
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "journal: {roll_cycle: weekly}\n"))
            .getMessage()
            .contains("journal.roll_cycle"));
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "pipeline: {queue_capacity: many}\n"))
            .getMessage()
            .contains("queue_capacity"));
  }

  @Test
  void enumsAreReadOnceAtLoadWithTheirKeyAndLineOnError() throws Exception {
    assertEquals(
        AgentConfig.RollCycle.DAILY,
        loader.parse("c.yaml", "journal: {roll_cycle: Daily}\n").journal().rollCycle());
    assertEquals(
        AgentConfig.StdoutMode.ON,
        loader.parse("c.yaml", "sinks:\n  stdout: {enabled: true}\n").sinks().stdout().enabled());
    assertEquals(
        AgentConfig.StdoutMode.OFF,
        loader
            .parse("c.yaml", "sinks:\n  stdout: {enabled: \"false\"}\n")
            .sinks()
            .stdout()
            .enabled());
    assertEquals(
        AgentConfig.StdoutMode.AUTO,
        loader.parse("c.yaml", "sinks:\n  stdout: {enabled: auto}\n").sinks().stdout().enabled());
    String message =
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sinks:\n  stdout:\n    enabled: yes-please\n"))
            .getMessage();
    assertTrue(
        message.contains("sinks.stdout.enabled")
            && message.contains("must be auto, true or false")
            && message.contains(":3"),
        message);
  }

  @Test
  void brokenYamlIsReportedWithItsLine() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> loader.parse("c.yaml", "journal:\n  dir: [unclosed\n"));
    assertTrue(e.getMessage().startsWith("c.yaml:"), e.getMessage());
  }

  @Test
  void kafkaSinkKeysAreReadAndTurnStdoutOffUnderAuto() throws ConfigException {
    AgentConfig c =
        loader.parse(
            "c.yaml",
            """
        sinks:
          kafka:
            enabled: true
            bootstrap_servers: "k1:9092,k2:9093"
            topics: {alerts: soc.alerts}
            events: true
            properties:
              security.protocol: SSL
              ssl.truststore.location: /etc/dockward/truststore.p12
              linger.ms: 5
        """);
    AgentConfig.Kafka k = c.sinks().kafka();
    assertTrue(k.enabled());
    assertEquals("k1:9092,k2:9093", k.bootstrapServers());
    assertEquals("soc.alerts", k.topics().alerts());
    assertEquals("dockward.events", k.topics().events(), "the default for the key not given");
    assertTrue(k.events());
    assertEquals("SSL", k.properties().get("security.protocol"));
    assertEquals("5", k.properties().get("linger.ms"), "scalars pass through as text");
    assertEquals(false, c.sinks().stdoutOn(), "auto: stdout is off when Kafka ships");
    assertTrue(
        loader
            .parse(
                "c.yaml",
                "sinks: {kafka: {enabled: true, bootstrap_servers: 'k:1'}, stdout: {enabled: true}}")
            .sinks()
            .stdoutOn(),
        "unless asked for");
    assertTrue(AgentConfig.DEFAULT.sinks().stdoutOn());
    assertEquals(false, AgentConfig.DEFAULT.sinks().kafka().enabled());
  }

  @Test
  void kafkaWithoutServersOrWithAFixedPropertyIsRefused() {
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sinks: {kafka: {enabled: true}}\n"))
            .getMessage()
            .contains("sinks.kafka.bootstrap_servers"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                loader.parse(
                    "c.yaml",
                    """
        sinks:
          kafka: {enabled: true, bootstrap_servers: "k:9092", properties: {acks: "1"}}
        """));
    assertTrue(e.getMessage().contains("sinks.kafka.properties.acks"), e.getMessage());
    assertTrue(
        assertThrows(
                ConfigException.class, () -> loader.parse("c.yaml", "sinks: {kafka: {topic: x}}\n"))
            .getMessage()
            .contains("unknown key 'topic' under 'sinks.kafka'"));
  }

  @Test
  void journalSyncAndRetentionHaveDefaultsAndAreChecked() throws ConfigException {
    AgentConfig d = loader.parse("c.yaml", "");
    assertEquals(Duration.ofSeconds(1), d.journal().syncInterval());
    assertEquals(Duration.ofDays(7), d.journal().retention().maxAge());
    assertEquals(2L << 30, d.journal().retention().maxSize().bytes());
    AgentConfig c =
        loader.parse(
            "c.yaml", "journal: {sync_interval: 0s, retention: {max_age: 2d, max_size: 512MiB}}\n");
    assertEquals(Duration.ofSeconds(0), c.journal().syncInterval());
    assertEquals(Duration.ofDays(2), c.journal().retention().maxAge());
    assertEquals(512L << 20, c.journal().retention().maxSize().bytes());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.parse("c.yaml", "journal: {retention: {max_size: 2GB}}\n"));
    assertTrue(
        e.getMessage().contains("journal.retention.max_size") && e.getMessage().contains("2GB"),
        e.getMessage());
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "journal: {sync_interval: soon}\n"))
            .getMessage()
            .contains("journal.sync_interval"));
  }

  @Test
  void fileSinkKeysAreReadCheckedAndTurnStdoutOffUnderAuto() throws ConfigException {
    AgentConfig d = loader.parse("c.yaml", "");
    assertEquals(false, d.sinks().file().enabled());
    assertEquals(5, d.sinks().file().maxFiles());
    AgentConfig c =
        loader.parse(
            "c.yaml",
            """
        sinks:
          file: {enabled: true, path: /srv/a.jsonl, max_size: 10MiB, max_files: 2, format: text, events: true,
                 output_format: ecs}
        """);
    AgentConfig.FileSink f = c.sinks().file();
    assertEquals("/srv/a.jsonl", f.path());
    assertEquals(10L << 20, f.maxSize().bytes());
    assertEquals(2, f.maxFiles());
    assertEquals(OutputFormat.TEXT, f.format());
    assertTrue(f.events());
    assertEquals(RecordFormat.ECS, f.outputFormat());
    assertEquals(false, c.sinks().stdoutOn(), "auto: stdout is off when the file sink writes");
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sinks: {file: {max_files: -1}}\n"))
            .getMessage()
            .contains("sinks.file.max_files"));
    assertTrue(
        assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "sinks: {file: {max_size: big}}\n"))
            .getMessage()
            .contains("sinks.file.max_size"));
  }
}
