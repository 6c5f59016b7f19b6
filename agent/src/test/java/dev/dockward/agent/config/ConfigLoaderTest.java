package dev.dockward.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void emptyFileGivesTheEmbeddedDefaults() throws ConfigException {
    AgentConfig c = loader.parse("empty.yaml", "");
    assertEquals("/var/lib/dockward/journal", c.journal().dir());
    assertEquals("auto", c.sinks().stdout().enabled());
    assertEquals("1s", c.sources().procScan().interval());
    assertEquals("unix:///var/run/docker.sock", c.sources().docker().host());
    assertTrue(c.rules().bundled());
    assertTrue(c.sources().netlink().enabled(), "netlink is on by default");
  }

  @Test
  void snakeCaseKeysAreRead() throws ConfigException {
    AgentConfig c = loader.parse("c.yaml", """
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
    assertEquals("daily", c.journal().rollCycle());
    assertEquals(List.of("/etc/dockward/rules.d"), c.rules().paths());
    assertEquals("250ms", c.sources().procScan().interval());
    assertEquals("5s", c.sources().docker().maxBackoff());
    assertEquals(false, c.sources().netlink().enabled());
    assertEquals("text", c.sinks().stdout().format());
    assertTrue(c.sinks().stdout().events());
  }

  @Test
  void unknownKeyIsNamedWithItsLineAndParent() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("c.yaml", """
        journal:
          dir: /srv/journal
          retention_dayz: 7
        """));
    assertTrue(e.getMessage().startsWith("c.yaml:3:"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'retention_dayz' under 'journal'"), e.getMessage());
    assertTrue(e.getMessage().contains("roll_cycle"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("c.yaml", "kafak:\n  brokers: x\n"));
    assertTrue(e.getMessage().contains("unknown key 'kafak' at the top level"), e.getMessage());
  }

  @Test
  void badValuesAreRejectedWithTheirKey() {
    assertTrue(assertThrows(ConfigException.class, () -> loader.parse("c.yaml", "sources:\n  proc_scan: {interval: soon}\n"))
        .getMessage().contains("sources.proc_scan.interval"));
    assertTrue(assertThrows(ConfigException.class, () -> loader.parse("c.yaml", "journal: {roll_cycle: weekly}\n"))
        .getMessage().contains("journal.roll_cycle"));
    assertTrue(assertThrows(ConfigException.class, () -> loader.parse("c.yaml", "pipeline: {queue_capacity: many}\n"))
        .getMessage().contains("queue_capacity"));
  }

  @Test
  void brokenYamlIsReportedWithItsLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("c.yaml", "journal:\n  dir: [unclosed\n"));
    assertTrue(e.getMessage().startsWith("c.yaml:"), e.getMessage());
  }
}
