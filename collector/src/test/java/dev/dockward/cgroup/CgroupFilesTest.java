package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFilesTest {
  @TempDir Path dir;

  @Test
  void fieldsSplitOnAnyRunOfBlanksLikeTheRegex() {
    for (String line :
        new String[] {
          "nr_periods 38", "  254:0 Read\t0  ", "a", "x\u000by\fz", "  eth0: 1 2   3 "
        }) {
      assertArrayEquals(line.strip().split("\\s+"), CgroupFiles.fields(line), line);
    }
    assertEquals(0, CgroupFiles.fields("").length);
    assertEquals(0, CgroupFiles.fields(" \t ").length);
  }

  @Test
  void devicesAreMajorColonMinor() {
    assertTrue(IoFigures.isDevice("254:0"));
    assertTrue(IoFigures.isDevice("8:16"));
    for (String bad : new String[] {"Total", ":0", "8:", "8:x", "a:1", "8:1:2", ""}) {
      assertFalse(IoFigures.isDevice(bad), bad);
    }
  }

  @Test
  void filesLargerThanTheFirstBufferAreReadWhole() throws Exception {
    String big = "x".repeat(10_000) + "\n";
    Path file = Files.writeString(dir.resolve("io.stat"), big);
    CgroupFiles files = new CgroupFiles(new CgroupReadStats());
    assertEquals(Optional.of(big), files.text(file));
    assertEquals(
        Optional.of("1\n"),
        files.text(Files.writeString(dir.resolve("small"), "1\n")),
        "the grown buffer is reused without leftovers");
  }

  @Test
  void oversizedFilesAreUnreadableNotRead() throws Exception {
    Path file = Files.write(dir.resolve("huge"), new byte[(1 << 20) + 1]);
    CgroupReadStats stats = new CgroupReadStats();
    assertEquals(Optional.empty(), new CgroupFiles(stats).text(file));
    assertEquals(1, stats.unreadable());
  }
}
