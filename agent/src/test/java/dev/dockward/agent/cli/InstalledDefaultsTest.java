package dev.dockward.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed {@code dockward.yaml} and {@code rules.d} as defaults, with a temporary directory
 * in place of {@code /etc/dockward}: used when present and no option says otherwise, named on
 * start, and always beaten by an explicit option.
 */
class InstalledDefaultsTest {
  /** A rule of our own, told apart from every bundled one by its id. */
  private static final String LOCAL_RULE =
      "rules:\n  - id: local_only_rule_4711\n    description: a rule from rules.d\n"
          + "    condition: event.type == \"exec\"\n    severity: low\n";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Path etc() throws Exception {
    return Files.createDirectories(dir.resolve("etc"));
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return DockwardCli.commandLine(dir.resolve("etc"))
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  /** A config that starts no source and no metrics listener, journalling to {@code journal}. */
  private static String quietConfig(Path journal) {
    return "journal: {dir: "
        + journal
        + "}\nsources:\n  docker: {enabled: false}\n  proc_scan: {enabled: false}\n"
        + "  netlink: {enabled: false}\nmetrics: {enabled: false}\n";
  }

  @Test
  void runReadsTheInstalledConfigAndSaysSoOnItsFirstLine() throws Exception {
    Path installed =
        Files.writeString(
            etc().resolve("dockward.yaml"), quietConfig(dir.resolve("installed-journal")));
    assertEquals(0, run("run", "--duration", "200ms"), err.toString());
    assertTrue(
        err.toString().startsWith("dockward: config " + installed + "; rules: bundled"),
        err.toString());
    assertTrue(
        Files.isDirectory(dir.resolve("installed-journal")),
        "the journal is where the installed config says");
  }

  @Test
  void anExplicitConfigWinsOverTheInstalledOne() throws Exception {
    Files.writeString(
        etc().resolve("dockward.yaml"), quietConfig(dir.resolve("installed-journal")));
    Path mine = Files.writeString(dir.resolve("mine.yaml"), quietConfig(dir.resolve("my-journal")));
    assertEquals(0, run("run", "--config", mine.toString(), "--duration", "200ms"), err.toString());
    assertTrue(err.toString().startsWith("dockward: config " + mine + ";"), err.toString());
    assertTrue(Files.isDirectory(dir.resolve("my-journal")));
    assertFalse(
        Files.exists(dir.resolve("installed-journal")), "the installed config was not used");
  }

  @Test
  void withoutAnyConfigFileTheEmbeddedDefaultsAndRulesDAreUsed() throws Exception {
    Path rulesD = Files.createDirectories(etc().resolve("rules.d"));
    Files.writeString(rulesD.resolve("local.yaml"), LOCAL_RULE);

    assertEquals(0, run("rules", "list"), err.toString());
    assertTrue(out.toString().contains("local_only_rule_4711"), out.toString());
    assertTrue(out.toString().contains("docker_socket_mounted"), "bundled rules too: " + out);

    assertEquals(0, run("rules", "show", "local_only_rule_4711"), err.toString());
    assertTrue(out.toString().contains("a rule from rules.d"), out.toString());
  }

  @Test
  void runWithoutAConfigFileNamesTheEmbeddedDefaultsAndRulesD() throws Exception {
    Path rulesD = Files.createDirectories(etc().resolve("rules.d"));
    Files.writeString(rulesD.resolve("local.yaml"), LOCAL_RULE);
    // No config file: the embedded defaults, whose journal is /var/lib/dockward/journal; --journal
    // moves it, and an unwritable journal stops the run right after the line naming the config.
    Path notADir = Files.writeString(dir.resolve("file"), "x");
    assertEquals(2, run("run", "--journal", notADir.resolve("j").toString(), "--duration", "1s"));
    assertTrue(
        err.toString()
            .startsWith("dockward: config (embedded defaults); rules: bundled + " + rulesD),
        err.toString());
  }

  @Test
  void aBadDurationIsAUsageErrorNamingItsOption() throws Exception {
    assertEquals(2, run("run", "--duration", "soon"));
    assertTrue(
        err.toString().contains("--duration") && err.toString().contains("soon"), err.toString());
  }

  @Test
  void theInstalledConfigsRulesSectionDecidesWhatRulesListShows() throws Exception {
    Path own = Files.writeString(dir.resolve("own.yaml"), LOCAL_RULE);
    Path rulesD = Files.createDirectories(etc().resolve("rules.d"));
    Files.writeString(
        rulesD.resolve("ignored.yaml"), LOCAL_RULE.replace("local_only_rule_4711", "rules_d_rule"));
    Files.writeString(
        etc().resolve("dockward.yaml"), "rules: {bundled: false, paths: [" + own + "]}\n");
    assertEquals(0, run("rules", "list"), err.toString());
    List<String> lines = out.toString().lines().toList();
    assertEquals(1, lines.size(), out.toString());
    assertTrue(lines.get(0).startsWith("local_only_rule_4711"), out.toString());

    // --config beats it: the explicit file's rules section, which keeps the bundled rules.
    Path explicit = Files.writeString(dir.resolve("explicit.yaml"), "rules: {bundled: true}\n");
    assertEquals(0, run("rules", "list", "--config", explicit.toString()), err.toString());
    assertTrue(out.toString().contains("docker_socket_mounted"), out.toString());
    assertFalse(out.toString().contains("local_only_rule_4711"), out.toString());
  }

  @Test
  void aBrokenInstalledConfigIsNamedAndExitTwo() throws Exception {
    Path installed = Files.writeString(etc().resolve("dockward.yaml"), "sinks:\n  stdot: {}\n");
    for (String[] command :
        new String[][] {
          {"run", "--duration", "1s"},
          {"posture"},
          {"rules", "list"},
          {"rules", "show", "docker_socket_mounted"}
        }) {
      assertEquals(2, run(command), String.join(" ", command));
      assertTrue(
          err.toString().contains(installed + ":2:"), String.join(" ", command) + ": " + err);
      assertEquals("", out.toString(), String.join(" ", command));
    }
  }

  @Test
  void configCheckWithoutAFileChecksTheInstalledOne() throws Exception {
    assertEquals(2, run("config", "check"));
    assertTrue(
        err.toString().contains(dir.resolve("etc/dockward.yaml") + " does not exist"),
        err.toString());

    Path installed = Files.writeString(etc().resolve("dockward.yaml"), "rules: {bundled: true}\n");
    assertEquals(0, run("config", "check"), err.toString());
    assertTrue(out.toString().startsWith(installed + ": config ok"), out.toString());
  }
}
