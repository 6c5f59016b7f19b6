package dev.dockward.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointTest {
  @TempDir Path dir;

  @Test
  void storedIndexSurvivesANewInstanceAndIsReplaced() throws Exception {
    FileCheckpoint c = FileCheckpoint.forSink(dir, "kafka");
    c.store(0x4a3b_0000_0001L);
    assertEquals(
        OptionalLong.of(0x4a3b_0000_0001L),
        new FileCheckpoint(dir.resolve("kafka.checkpoint")).load());
    c.store(81_604_378_700L);
    assertEquals(OptionalLong.of(81_604_378_700L), FileCheckpoint.forSink(dir, "kafka").load());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "the temporary file was renamed, not left behind");
    }
  }

  @Test
  void missingFileIsNoCheckpoint() {
    assertEquals(OptionalLong.empty(), FileCheckpoint.forSink(dir, "kafka").load());
    assertFalse(Files.exists(dir.resolve("kafka.checkpoint")), "loading creates nothing");
  }

  @Test
  void corruptFilesAreNoCheckpointSoShippingStartsOverRatherThanSkipping() throws Exception {
    FileCheckpoint c = FileCheckpoint.forSink(dir, "kafka");
    c.store(1234567);
    String good = Files.readString(c.file());
    for (String bad :
        new String[] {
          good.replace("1234567", "9234567"), // checksum no longer matches: a flipped digit
          good.substring(0, good.length() / 2), // torn
          "",
          "garbage\n",
          "dockward-checkpoint 2 1234567 00000000\n"
        }) {
      Files.writeString(c.file(), bad);
      assertEquals(OptionalLong.empty(), c.load(), "'" + bad + "' must not be trusted");
    }
  }

  @Test
  void staleTemporaryFileFromACrashIsOverwritten() throws Exception {
    Files.writeString(dir.resolve(".kafka.checkpoint.tmp"), "half a checkp");
    FileCheckpoint c = FileCheckpoint.forSink(dir, "kafka");
    c.store(42);
    assertEquals(OptionalLong.of(42), c.load());
  }
}
