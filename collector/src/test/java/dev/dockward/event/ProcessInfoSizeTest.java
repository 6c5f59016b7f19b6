package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessInfoSizeTest {
  @Test
  void textCountsOneByteACharacterInLatin1AndTwoOtherwise() {
    String hostile = "\\xff".repeat(64 * 1024);
    assertEquals(0, ProcessInfoSize.text(""));
    assertEquals(40 + 8, ProcessInfoSize.text("\\xff"));
    assertEquals(40 + 8, ProcessInfoSize.text("\u20ac"), "two bytes, aligned");
    assertEquals(40 + 262_144L, ProcessInfoSize.text(hostile));
    assertEquals(
        40 + 2 * 262_148L,
        ProcessInfoSize.text("\u20ac" + hostile),
        "one euro sign widens the whole string");
  }

  @Test
  void loaderVariablesCountOnlyWhenThereAreSome() {
    ProcessInfo none = process(Map.of());
    ProcessInfo preload = process(Map.of("LD_PRELOAD", "/dev/shm/libhide.so"));
    assertEquals(
        ProcessInfoSize.of(none) + 48 + 16 + ProcessInfoSize.text("/dev/shm/libhide.so"),
        ProcessInfoSize.of(preload));
  }

  private static ProcessInfo process(Map<String, String> loaderEnv) {
    return new ProcessInfo(
        4321,
        4242,
        5107,
        "sleep",
        "/bin/busybox",
        "sleep 60",
        false,
        OptionalInt.of(0),
        OptionalInt.of(0),
        OptionalLong.empty(),
        Map.of(),
        "/docker/x",
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        loaderEnv);
  }
}
