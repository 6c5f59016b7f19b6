package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutputTemplateTest {

  private static String render(String template, Map<String, Object> variables) {
    OutputTemplate.Result parsed = OutputTemplate.parse(template, List.of("res", "proc"), Set.of());
    assertTrue(parsed.problems().isEmpty(), parsed.problems().toString());
    return parsed.template().render(variables);
  }

  @Test
  void ratesPrintWithoutExponentAndWholeNumbersWithoutFraction() {
    Map<String, Object> res =
        Map.of("rate", 1.8067543781560283E7, "count", 64.0, "ratio", 0.123456, "n", 7L);
    assertEquals(
        "18067543.78 B/s, 64 procs, 0.1235, 7",
        render("{res.rate} B/s, {res.count} procs, {res.ratio}, {res.n}", Map.of("res", res)));
  }

  @Test
  void absentValuesAndListsKeepTheirForms() {
    Map<String, Object> proc = Map.of("args", List.of("sh", "-c"), "share", 0.5);
    assertEquals(
        "sh,-c 0.5 <none>",
        render("{proc.args} {proc.share} {proc.missing}", Map.of("proc", proc)));
  }

  @Test
  void nonFiniteAndHugeDoublesStayReadable() {
    assertEquals("NaN", OutputTemplate.formatDecimal(Double.NaN));
    assertEquals("1000000000000000", OutputTemplate.formatDecimal(1e15));
    assertEquals("-2.5", OutputTemplate.formatDecimal(-2.5));
  }
}
