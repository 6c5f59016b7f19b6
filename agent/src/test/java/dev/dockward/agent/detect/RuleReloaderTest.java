package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.rules.LoadResult;
import dev.dockward.rules.Rule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleReloaderTest {
  @TempDir Path dir;

  private final StringWriter problems = new StringWriter();

  private static List<String> ids(LoadResult r) {
    return r.ruleSet().rules().stream().map(Rule::id).sorted().toList();
  }

  private static String rule(String id, String condition) {
    return "rules:\n  - id: " + id + "\n    condition: " + condition + "\n    severity: low\n";
  }

  @Test
  void aFileBrokenOnReloadKeepsItsLastGoodVersion() throws Exception {
    Path file = dir.resolve("mine.yaml");
    Files.writeString(file, rule("first_rule", "event.type == \"exec\""));
    RuleReloader reloader = new RuleReloader();
    assertEquals(
        List.of("first_rule"), ids(reloader.load(false, List.of(dir), new PrintWriter(problems))));

    Files.writeString(file, rule("second_rule", "event.type =="));
    LoadResult reloaded = reloader.load(false, List.of(dir), new PrintWriter(problems, true));

    assertEquals(
        List.of("first_rule"),
        ids(reloaded),
        "the broken edit does not remove the rule that worked");
    assertTrue(reloaded.hasErrors());
    assertTrue(problems.toString().contains(file + ":3:"), problems.toString());
    assertTrue(
        problems.toString().contains("keeping the version that loaded before"),
        problems.toString());

    Files.writeString(file, rule("second_rule", "event.type == \"fork\""));
    assertEquals(
        List.of("second_rule"),
        ids(reloader.load(false, List.of(dir), new PrintWriter(problems))),
        "the fixed file replaces the old version");
  }

  @Test
  void aFileBrokenFromTheStartLoadsItsValidRulesOnly() throws Exception {
    Files.writeString(
        dir.resolve("mixed.yaml"),
        rule("good_rule", "event.type == \"exec\"")
            + "  - id: bad_rule\n    condition: event.type ==\n    severity: low\n");
    LoadResult r = new RuleReloader().load(false, List.of(dir), new PrintWriter(problems));
    assertEquals(List.of("good_rule"), ids(r));
  }

  @Test
  void aDeletedFileTakesItsRulesAway() throws Exception {
    Path file =
        Files.writeString(dir.resolve("gone.yaml"), rule("gone_rule", "event.type == \"exec\""));
    RuleReloader reloader = new RuleReloader();
    assertEquals(
        List.of("gone_rule"), ids(reloader.load(false, List.of(dir), new PrintWriter(problems))));
    Files.delete(file);
    assertEquals(List.of(), ids(reloader.load(false, List.of(dir), new PrintWriter(problems))));
  }
}
