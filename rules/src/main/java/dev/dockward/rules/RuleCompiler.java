package dev.dockward.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Turns a parsed rule into a {@link CompiledRule}: compiles and type-checks every CEL expression,
 * checks list references and the output template, and reports each problem at its position in the
 * file.
 */
final class RuleCompiler {
  private static final List<String> OUTPUT_ROOTS =
      List.of("event", "proc", "container", "host", "flow", "res", "evidence");

  /** {@code {window.count}}, {@code {window.since}}: in the output of a rule with a window. */
  static final String WINDOW_ROOT = "window";

  private final Map<String, List<Object>> lists;

  RuleCompiler(Map<String, List<Object>> lists) {
    this.lists = lists;
  }

  /** Compiles one rule; any error drops it and is added to {@code problems}. */
  Optional<CompiledRule> compile(
      RuleFileParser.RuleDraft draft,
      String origin,
      SourceText source,
      List<LoadProblem> problems) {
    Context context = new Context(draft.id(), origin, source, problems);
    int errorsBefore = errorCount(problems);

    Optional<CelAbstractSyntaxTree> condition = context.check(draft.condition(), "", true);
    List<CompiledRule.NamedProgram> exceptions = new ArrayList<>();
    for (RuleFileParser.ExceptionDraft exception : draft.exceptions()) {
      if (exception.from().isEmpty()) {
        context
            .check(exception.condition(), "exception " + exception.name() + ": ", true)
            .flatMap(ast -> context.program(ast, exception.condition()))
            .ifPresent(p -> exceptions.add(new CompiledRule.NamedProgram(exception.name(), p)));
      }
    }
    List<CompiledRule.NamedProgram> evidence = new ArrayList<>();
    for (Map.Entry<String, ScalarNode> entry : draft.evidence().entrySet()) {
      context
          .check(entry.getValue(), "evidence " + entry.getKey() + ": ", false)
          .flatMap(ast -> context.program(ast, entry.getValue()))
          .ifPresent(p -> evidence.add(new CompiledRule.NamedProgram(entry.getKey(), p)));
    }
    Optional<CompiledRule.WindowPrograms> window = Optional.empty();
    if (draft.window().isPresent()) {
      window = window(draft.window().get(), context);
    }
    OutputTemplate output = OutputTemplate.literal(draft.id());
    if (draft.output().isPresent()) {
      ScalarNode node = draft.output().get();
      Set<String> evidenceNames = new HashSet<>(draft.evidence().keySet());
      if (draft.holdFor().isPresent()) {
        evidenceNames.addAll(HoldTracker.EVIDENCE);
      }
      List<String> roots = OUTPUT_ROOTS;
      if (draft.window().isPresent()) {
        evidenceNames.addAll(WindowTracker.EVIDENCE);
        roots = new ArrayList<>(OUTPUT_ROOTS);
        roots.add(WINDOW_ROOT);
      }
      OutputTemplate.Result parsed = OutputTemplate.parse(node.getValue(), roots, evidenceNames);
      for (OutputTemplate.Problem problem : parsed.problems()) {
        problems.add(
            LoadProblem.error(
                origin,
                source.positionIn(node, offsetInCodePoints(node.getValue(), problem.offset())),
                draft.id(),
                problem.message()));
      }
      output = parsed.template();
    }
    Optional<CelRuntime.Program> program =
        condition.flatMap(ast -> context.program(ast, draft.condition()));
    if (errorCount(problems) > errorsBefore || program.isEmpty()) {
      return Optional.empty();
    }
    // Exceptions an override appended: reported where the override wrote them, and a broken one
    // is left out without taking the rule (and its detection) away.
    for (RuleFileParser.ExceptionDraft exception : draft.exceptions()) {
      if (exception.from().isPresent()) {
        Context where =
            new Context(
                draft.id(),
                exception.from().get().origin(),
                exception.from().get().source(),
                problems);
        where
            .check(exception.condition(), "exception " + exception.name() + ": ", true)
            .flatMap(ast -> where.program(ast, exception.condition()))
            .ifPresent(p -> exceptions.add(new CompiledRule.NamedProgram(exception.name(), p)));
      }
    }
    // A for: rule's episode ends on an event of an admitted type on which it does not hold: its
    // admitted types stay those of the top-level && chain, as they always were.
    Optional<Set<String>> types =
        AstFacts.requiredEventTypes(condition.get(), draft.holdFor().isEmpty());
    if (types.isPresent() && types.get().isEmpty()) {
      problems.add(
          LoadProblem.warning(
              origin,
              SourceText.of(draft.condition()),
              draft.id(),
              "the condition requires contradicting event types and can never match"));
    }
    Rule rule =
        new Rule(
            draft.id(),
            draft.description(),
            draft.severity(),
            draft.tags(),
            origin,
            draft.position().line(),
            draft.enabled(),
            draft.condition().getValue(),
            draft.output().map(ScalarNode::getValue).orElse(""),
            draft.holdFor(),
            window.map(CompiledRule.WindowPrograms::spec),
            draft.title(),
            draft.fixtures());
    return Optional.of(
        new CompiledRule(rule, program.get(), exceptions, evidence, output, types, window));
  }

  /**
   * The window's expressions compiled; empty (with problems reported) when one does not compile.
   */
  private Optional<CompiledRule.WindowPrograms> window(
      RuleFileParser.WindowDraft draft, Context context) {
    Optional<CelRuntime.Program> by = Optional.empty();
    Optional<CelRuntime.Program> distinct = Optional.empty();
    boolean ok = true;
    if (draft.by().isPresent()) {
      ScalarNode node = draft.by().get();
      by = context.check(node, "window by: ", false).flatMap(ast -> context.program(ast, node));
      ok = by.isPresent();
    }
    if (draft.distinct().isPresent()) {
      ScalarNode node = draft.distinct().get();
      distinct =
          context
              .check(node, "window distinct: ", false)
              .flatMap(ast -> context.program(ast, node));
      ok &= distinct.isPresent();
    }
    if (!ok) {
      return Optional.empty();
    }
    Window spec =
        new Window(
            draft.within(),
            draft.by().map(ScalarNode::getValue).orElse(Window.DEFAULT_BY),
            draft.distinct().map(ScalarNode::getValue),
            draft.atLeast());
    return Optional.of(new CompiledRule.WindowPrograms(spec, by, distinct));
  }

  private static int offsetInCodePoints(String text, int charOffset) {
    return text.codePointCount(0, Math.min(charOffset, text.length()));
  }

  private static int errorCount(List<LoadProblem> problems) {
    return (int) problems.stream().filter(LoadProblem::isError).count();
  }

  /** Where the expressions of one rule come from, to report their problems. */
  private final class Context {
    private final String ruleId;
    private final String origin;
    private final SourceText source;
    private final List<LoadProblem> problems;

    Context(String ruleId, String origin, SourceText source, List<LoadProblem> problems) {
      this.ruleId = ruleId;
      this.origin = origin;
      this.source = source;
      this.problems = problems;
    }

    Optional<CelAbstractSyntaxTree> check(ScalarNode node, String what, boolean mustBeBool) {
      CelValidationResult result = CelSetup.COMPILER.compile(node.getValue());
      if (result.hasError()) {
        for (CelIssue issue : result.getErrors()) {
          problems.add(
              LoadProblem.error(
                  origin,
                  locate(node, result, issue.getSourceLocation()),
                  ruleId,
                  what + cleanMessage(issue.getMessage())));
        }
        return Optional.empty();
      }
      CelAbstractSyntaxTree ast;
      try {
        ast = result.getAst();
      } catch (CelValidationException e) {
        problems.add(LoadProblem.error(origin, SourceText.of(node), ruleId, what + e.getMessage()));
        return Optional.empty();
      }
      boolean ok = true;
      AstFacts.ListUses uses = AstFacts.listUses(ast);
      for (AstFacts.ListReference reference : uses.references()) {
        if (!lists.containsKey(reference.name())) {
          problems.add(
              LoadProblem.error(
                  origin,
                  source.positionIn(node, reference.offset()),
                  ruleId,
                  what + "undeclared reference to 'lists." + reference.name() + "'"));
          ok = false;
        }
      }
      for (int offset : uses.dynamicOffsets()) {
        problems.add(
            LoadProblem.warning(
                origin,
                source.positionIn(node, offset),
                ruleId,
                what
                    + "'lists' used without a literal list name; undefined lists cannot be checked at load"));
      }
      if (mustBeBool) {
        CelKind kind = ast.getResultType().kind();
        if (kind == CelKind.DYN) {
          problems.add(
              LoadProblem.warning(
                  origin,
                  SourceText.of(node),
                  ruleId,
                  what
                      + "condition has type dyn; a non-bool result at run time counts as an evaluation"
                      + " error (compare explicitly, e.g. '== true')"));
        } else if (!ast.getResultType().equals(SimpleType.BOOL)) {
          problems.add(
              LoadProblem.error(
                  origin,
                  SourceText.of(node),
                  ruleId,
                  what + "condition must be bool, but has type " + ast.getResultType().name()));
          ok = false;
        }
      }
      return ok ? Optional.of(ast) : Optional.empty();
    }

    Optional<CelRuntime.Program> program(CelAbstractSyntaxTree ast, ScalarNode node) {
      try {
        return Optional.of(CelSetup.RUNTIME.createProgram(ast));
      } catch (CelEvaluationException e) {
        problems.add(LoadProblem.error(origin, SourceText.of(node), ruleId, e.getMessage()));
        return Optional.empty();
      }
    }

    private Position locate(
        ScalarNode node, CelValidationResult result, CelSourceLocation location) {
      if (location == null || location.getLine() < 1) {
        return SourceText.of(node);
      }
      return result
          .getSource()
          .getLocationOffset(location)
          .map(offset -> source.positionIn(node, offset))
          .orElse(SourceText.of(node));
    }
  }

  /**
   * CEL appends " (in container '')" to undeclared references; we have no containers, so drop it.
   */
  private static String cleanMessage(String message) {
    return message.replace(" (in container '')", "");
  }
}
