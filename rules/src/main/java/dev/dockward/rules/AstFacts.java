package dev.dockward.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Facts read from a checked CEL AST: the event types a condition requires, and the lists it names.
 */
final class AstFacts {
  private static final String AND = "_&&_";
  private static final String OR = "_||_";
  private static final String EQUALS = "_==_";
  private static final String IN = "@in";
  private static final String INDEX = "_[_]";

  /** A {@code lists.<name>} reference and the offset of {@code lists} in the expression text. */
  record ListReference(String name, int offset) {}

  /** All list references plus the offsets of uses of {@code lists} that cannot be checked. */
  record ListUses(List<ListReference> references, List<Integer> dynamicOffsets) {}

  private AstFacts() {}

  /**
   * The event types a condition can match: the intersection over the conjuncts of an {@code &&}
   * chain of the types each constrains, and the union over the branches of an {@code ||} when every
   * branch constrains the type, where {@code event.type == "x"}, {@code "x" == event.type} and
   * {@code event.type in ["a", "b"]} constrain it. Anything else (a negation, a list reference, a
   * branch without a constraint) proves nothing.
   *
   * @param throughOr whether {@code ||} branches count; without, only the top-level {@code &&}
   *     chain does (what a {@code for:} rule's episodes are judged on, see {@link RuleEngine})
   * @return empty when the condition does not constrain the type (the rule runs for every event); a
   *     present, empty set when the constraints contradict each other
   */
  static Optional<Set<String>> requiredEventTypes(CelAbstractSyntaxTree ast, boolean throughOr) {
    return constrainedTypes(ast.getExpr(), throughOr).map(Set::copyOf);
  }

  private static Optional<Set<String>> constrainedTypes(CelExpr expr, boolean throughOr) {
    if (isCall(expr, AND)) {
      List<CelExpr> conjuncts = new ArrayList<>();
      flatten(expr, AND, conjuncts);
      Set<String> result = null;
      for (CelExpr conjunct : conjuncts) {
        Optional<Set<String>> types = constrainedTypes(conjunct, throughOr);
        if (types.isPresent()) {
          if (result == null) {
            result = new LinkedHashSet<>(types.get());
          } else {
            result.retainAll(types.get());
          }
        }
      }
      return Optional.ofNullable(result);
    }
    if (throughOr && isCall(expr, OR)) {
      List<CelExpr> branches = new ArrayList<>();
      flatten(expr, OR, branches);
      Set<String> result = new LinkedHashSet<>();
      for (CelExpr branch : branches) {
        Optional<Set<String>> types = constrainedTypes(branch, true);
        if (types.isEmpty()) {
          return Optional.empty();
        }
        result.addAll(types.get());
      }
      return Optional.of(result);
    }
    return typesOf(expr);
  }

  private static boolean isCall(CelExpr expr, String function) {
    return expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals(function);
  }

  private static void flatten(CelExpr expr, String function, List<CelExpr> out) {
    if (isCall(expr, function)) {
      for (CelExpr arg : expr.call().args()) {
        flatten(arg, function, out);
      }
    } else {
      out.add(expr);
    }
  }

  private static Optional<Set<String>> typesOf(CelExpr expr) {
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL) {
      return Optional.empty();
    }
    List<CelExpr> args = expr.call().args();
    String function = expr.call().function();
    if (function.equals(EQUALS) && args.size() == 2) {
      if (isEventType(args.get(0))) {
        return stringConstant(args.get(1)).map(Set::of);
      }
      if (isEventType(args.get(1))) {
        return stringConstant(args.get(0)).map(Set::of);
      }
    }
    if (function.equals(IN)
        && args.size() == 2
        && isEventType(args.get(0))
        && args.get(1).getKind() == CelExpr.ExprKind.Kind.LIST) {
      Set<String> types = new HashSet<>();
      for (CelExpr element : args.get(1).list().elements()) {
        Optional<String> value = stringConstant(element);
        if (value.isEmpty()) {
          return Optional.empty();
        }
        types.add(value.get());
      }
      return Optional.of(types);
    }
    return Optional.empty();
  }

  private static boolean isEventType(CelExpr expr) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      return !expr.select().testOnly()
          && expr.select().field().equals("type")
          && isIdent(expr.select().operand(), "event");
    }
    if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals(INDEX)) {
      List<CelExpr> args = expr.call().args();
      return args.size() == 2
          && isIdent(args.get(0), "event")
          && stringConstant(args.get(1)).filter("type"::equals).isPresent();
    }
    return false;
  }

  /**
   * Every {@code lists.x} / {@code lists["x"]} in the expression, so undefined lists fail at load.
   */
  static ListUses listUses(CelAbstractSyntaxTree ast) {
    List<ListReference> references = new ArrayList<>();
    Set<Long> covered = new HashSet<>();
    List<CelNavigableExpr> nodes = CelNavigableAst.fromAst(ast).getRoot().allNodes().toList();
    for (CelNavigableExpr node : nodes) {
      CelExpr expr = node.expr();
      if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT
          && isIdent(expr.select().operand(), "lists")) {
        CelExpr operand = expr.select().operand();
        covered.add(operand.id());
        references.add(new ListReference(expr.select().field(), offset(ast, operand.id())));
      } else if (expr.getKind() == CelExpr.ExprKind.Kind.CALL
          && expr.call().function().equals(INDEX)
          && expr.call().args().size() == 2
          && isIdent(expr.call().args().get(0), "lists")) {
        Optional<String> name = stringConstant(expr.call().args().get(1));
        if (name.isPresent()) {
          CelExpr operand = expr.call().args().get(0);
          covered.add(operand.id());
          references.add(new ListReference(name.get(), offset(ast, operand.id())));
        }
      }
    }
    List<Integer> dynamic = new ArrayList<>();
    for (CelNavigableExpr node : nodes) {
      if (isIdent(node.expr(), "lists") && !covered.contains(node.id())) {
        dynamic.add(offset(ast, node.id()));
      }
    }
    return new ListUses(references, dynamic);
  }

  private static int offset(CelAbstractSyntaxTree ast, long id) {
    Integer offset = ast.getSource().getPositionsMap().get(id);
    return offset == null ? 0 : offset;
  }

  private static boolean isIdent(CelExpr expr, String name) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(name);
  }

  private static Optional<String> stringConstant(CelExpr expr) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
      return Optional.of(expr.constant().stringValue());
    }
    return Optional.empty();
  }
}
