package dev.dockward.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.config.ConfigException;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.Rule;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFixture;
import dev.dockward.rules.RuleSet;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code dockward rules show ID}: one rule as an analyst needs it (title, description, severity,
 * tags with the ATT&CK ones named, condition, output, {@code for:}/{@code window:}) and its
 * fixtures, each run against the rule as loaded so a stale example shows (except for a {@code for:}
 * or {@code window:} rule, which fires on a series of events).
 */
@Command(
    name = "show",
    description = "Show one rule: description, condition, severity, tags and its fixtures.")
final class RulesShowCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "The rule id (see rules list).")
  String id;

  @Mixin RuleSelection selection;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadResult loaded;
    try {
      loaded = selection.load(spec, err);
    } catch (ConfigException e) {
      err.println("dockward: " + e.getMessage());
      err.flush();
      return 2;
    }
    Optional<RuleSet> one = loaded.ruleSet().only(id);
    if (one.isEmpty()) {
      err.println(
          "dockward: no rule '"
              + id
              + "' loaded"
              + (loaded.hasErrors() ? " (see the problems above)" : "")
              + "; dockward rules list shows the ids");
      err.flush();
      return 2;
    }
    Rule rule = one.get().rules().get(0);
    out.println(rule.id() + ": " + rule.title());
    out.println("severity:    " + rule.severity() + (rule.enabled() ? "" : " (disabled)"));
    out.println("tags:        " + String.join(", ", rule.tags()));
    List<String> attack =
        rule.tags().stream().filter(t -> t.startsWith("mitre.")).map(t -> t.substring(6)).toList();
    if (!attack.isEmpty()) {
      out.println("ATT&CK:      " + String.join(", ", attack));
    }
    out.println("origin:      " + rule.origin() + ":" + rule.line());
    rule.holdFor().ifPresent(d -> out.println("for:         " + d.toMillis() + " ms"));
    rule.window()
        .ifPresent(
            w ->
                out.println(
                    "window:      at least "
                        + w.atLeast()
                        + " within "
                        + w.within().toMillis()
                        + " ms, by "
                        + w.by()
                        + w.distinct().map(d -> ", distinct " + d).orElse("")));
    block(out, "description", rule.description().isBlank() ? "(none)" : rule.description());
    block(out, "condition", rule.condition());
    if (!rule.output().isBlank()) {
      block(out, "output", rule.output());
    }
    fixtures(out, rule, one.get());
    out.flush();
    return 0;
  }

  /** Each fixture: its name, expectation, whether the rule as loaded agrees, and the event. */
  private static void fixtures(PrintWriter out, Rule rule, RuleSet only) {
    if (rule.fixtures().isEmpty()) {
      out.println("fixtures:    none");
      return;
    }
    out.println("fixtures:");
    ObjectMapper json = new ObjectMapper();
    // A for: or window: rule fires on a series of events, which one fixture is not.
    boolean stateful = rule.holdFor().isPresent() || rule.window().isPresent();
    for (RuleFixture f : rule.fixtures()) {
      String verdict;
      if (stateful) {
        verdict = "not checked (a for:/window: rule fires on a series of events)";
      } else {
        // A fresh engine for each: a fixture is judged as the only event the rule has seen.
        boolean fired = !new RuleEngine(only).evaluate(f.event()).isEmpty();
        verdict =
            fired == f.fires()
                ? "ok"
                : "FAILS (the rule " + (fired ? "fires" : "stays quiet") + ")";
      }
      out.println("  - " + f.name() + ": expect " + f.expectation() + ", " + verdict);
      try {
        out.println("    event: " + json.writeValueAsString(f.event()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a fixture event is plain data", e);
      }
    }
  }

  private static void block(PrintWriter out, String name, String text) {
    out.println(name + ":");
    text.strip().lines().forEach(l -> out.println("  " + l.strip()));
  }
}
