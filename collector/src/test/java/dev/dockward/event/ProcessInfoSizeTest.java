package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcessInfoSizeTest {
  @Test
  void textCountsOneByteACharacterInLatin1AndTwoOtherwise() {
    String hostile = "\\xff".repeat(64 * 1024);
    assertEquals(0, ProcessInfoSize.text(""));
    assertEquals(40 + 8, ProcessInfoSize.text("\\xff"));
    assertEquals(40 + 8, ProcessInfoSize.text("\u20ac"), "two bytes, aligned");
    assertEquals(40 + 262_144L, ProcessInfoSize.text(hostile));
    assertEquals(40 + 2 * 262_148L, ProcessInfoSize.text("\u20ac" + hostile), "one euro sign widens the whole string");
  }
}
