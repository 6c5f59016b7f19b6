package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine reads a live event in place, and copies only what is not in the contract's types. */
class EventCopiesTest {
  @Test
  void aDocumentInTheContractsTypesIsReadInPlace() {
    Map<String, Object> doc = ValueNormaliser.normalise(Fixtures.event("exec_shell_in_container"));
    assertSame(doc, ValueNormaliser.normalisedForReading(doc));
  }

  @Test
  void aDocumentWithOtherTypesIsCopied() {
    Map<String, Object> parsed = Fixtures.event("exec_shell_in_container"); // Jackson: Integer pids
    Map<String, Object> read = ValueNormaliser.normalisedForReading(parsed);
    assertNotSame(parsed, read);
    assertEquals(ValueNormaliser.normalise(parsed), read);
    Map<String, Object> withNull = new LinkedHashMap<>(Map.of("type", "exec"));
    withNull.put("container", null);
    assertEquals(Map.of("type", "exec"), ValueNormaliser.normalisedForReading(withNull));
    Map<String, Object> nested =
        Map.of("type", "exec", "process", Map.of("stdio", List.of("pipe", 1)));
    assertEquals(
        Map.of("type", "exec", "process", Map.of("stdio", List.of("pipe", 1L))),
        ValueNormaliser.normalisedForReading(nested));
  }

  @Test
  void processAndContainerAreTheDocumentsObjectsOverDefaults() {
    Map<String, Object> doc = ValueNormaliser.normalise(Fixtures.event("exec_shell_in_container"));
    @SuppressWarnings("unchecked")
    Map<String, Object> proc =
        (Map<String, Object>) EventVariables.forConditions(doc, Map.of()).get("proc");
    assertEquals("sh", proc.get("name"));
    assertEquals(List.of(), proc.get("stdio")); // a default
    assertTrue(proc.containsKey("host_ns"));
    assertFalse(proc.containsKey("nope"));
    assertEquals(null, proc.get("nope"));
    @SuppressWarnings("unchecked")
    Map<String, Object> docProc = (Map<String, Object>) doc.get("process");
    Map<String, Object> merged = new LinkedHashMap<>(proc);
    assertEquals(proc, merged);
    assertEquals(merged.keySet().stream().toList(), proc.keySet().stream().toList());
    assertTrue(merged.entrySet().containsAll(docProc.entrySet()));
    assertEquals(
        -1L,
        ((Map<?, ?>) EventVariables.forConditions(Map.of("type", "x"), Map.of()).get("proc"))
            .get("uid"));
  }
}
