package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {

  @Test
  void directoryGivesItsYamlFilesSortedAndMissingPathsAreReported(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("b.yml"), "rules: []\n");
    Files.writeString(dir.resolve("a.yaml"), "rules: []\n");
    Files.writeString(dir.resolve("notes.txt"), "not a rule file\n");
    Path missing = dir.resolve("missing.yaml");
    RuleFiles.ReadResult read = RuleFiles.read(List.of(dir, missing));
    assertEquals(
        List.of(dir.resolve("a.yaml").toString(), dir.resolve("b.yml").toString()),
        read.files().stream().map(RuleFile::origin).toList());
    assertEquals(1, read.problems().size());
    assertEquals(missing.toString(), read.problems().get(0).origin());
    assertTrue(read.problems().get(0).toString().startsWith(missing + ": cannot read"));
  }

  @Test
  void nonUtf8FileIsReported(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'#', ' ', (byte) 0xff, '\n'});
    RuleFiles.ReadResult read = RuleFiles.read(List.of(file));
    assertEquals(List.of(), read.files());
    assertEquals("cannot read: not UTF-8 text", read.problems().get(0).message());
  }

  @Test
  void bundledFilesAreListedByTheIndex() {
    assertEquals(
        List.of(
            "bundled/container.yaml",
            "bundled/process.yaml",
            "bundled/escape.yaml",
            "bundled/persistence.yaml",
            "bundled/devices.yaml",
            "bundled/resources.yaml",
            "bundled/posture.yaml",
            "bundled/agent.yaml",
            "bundled/network.yaml",
            "bundled/intrusion.yaml",
            "bundled/intruder-tools.yaml"),
        RuleFiles.bundled().stream().map(RuleFile::origin).toList());
  }
}
