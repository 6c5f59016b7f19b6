package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetDigestTest {
  private static final String A =
      "rules:\n  - id: a_rule\n    condition: event.type == \"exec\"\n"
          + "    severity: low\n    output: \"a\"\n";
  private static final String B =
      "rules:\n  - id: b_rule\n    condition: event.type == \"fork\"\n"
          + "    severity: low\n    output: \"b\"\n";

  private static RuleSetDigest loaded(RuleFile... files) {
    return RuleLoader.load(List.of(files)).ruleSet().digest();
  }

  @Test
  void theSameTextsGiveTheSameDigestWhereverTheyWereRead() {
    RuleSetDigest here =
        loaded(new RuleFile("/etc/dockward/rules.d/a.yaml", A), new RuleFile("/x/b.yaml", B));
    RuleSetDigest there = loaded(new RuleFile("/srv/a.yaml", A), new RuleFile("/y/b.yaml", B));
    assertEquals(here, there);
    assertEquals(64, here.sha256().length());
    assertTrue(here.shortForm().matches("[0-9a-f]{16}"), here.shortForm());
    assertFalse(here.bundled());
  }

  @Test
  void anyChangeOfTextOrOrderChangesIt() {
    RuleSetDigest before = loaded(new RuleFile("a.yaml", A), new RuleFile("b.yaml", B));
    assertNotEquals(
        before,
        loaded(new RuleFile("a.yaml", A), new RuleFile("b.yaml", B.replace("low", "high"))));
    assertNotEquals(before, loaded(new RuleFile("b.yaml", B), new RuleFile("a.yaml", A)));
    // Text moved across the boundary of two files is another rule set.
    assertNotEquals(
        loaded(new RuleFile("a", "ab"), new RuleFile("b", "c")).sha256(),
        RuleSetDigest.of(List.of(new RuleFile("a", "a"), new RuleFile("b", "bc"))).sha256());
  }

  @Test
  void theBundledRulesAreMarkedAndOneRuleOfASetKeepsItsDigest() {
    List<RuleFile> files = new ArrayList<>(RuleFiles.bundled());
    RuleSet set = RuleLoader.load(files).ruleSet();
    assertTrue(set.digest().bundled());
    assertEquals(set.digest(), set.only("shell_in_container").orElseThrow().digest());
    files.add(new RuleFile("extra.yaml", A));
    assertNotEquals(set.digest(), RuleLoader.load(files).ruleSet().digest());
  }
}
