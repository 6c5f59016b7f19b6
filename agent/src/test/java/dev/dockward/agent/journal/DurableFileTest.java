package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFileTest {
  @TempDir Path dir;

  @Test
  void theNewContentIsRenamedIntoPlaceAndThenItsDirectoryIsForced() throws IOException {
    Path file = dir.resolve("kafka.checkpoint");
    Files.writeString(file, "old\n");
    List<String> forced = new ArrayList<>();
    DurableFile files =
        new DurableFile(d -> forced.add(d + " holds " + Files.readString(file).trim()));

    files.replace(file, "new\n".getBytes(StandardCharsets.US_ASCII));

    assertEquals("new\n", Files.readString(file));
    assertEquals(
        List.of(dir.toAbsolutePath() + " holds new"), forced, "forced once, after the rename");
    assertEquals(List.of(file), listing(), "no temporary file left");
    assertEquals(0, files.directoriesNotSynced());
  }

  @Test
  void aFileSystemThatRefusesToForceADirectoryIsCountedAndTheFileStillReplaced()
      throws IOException {
    Path file = dir.resolve("chain.anchor");
    DurableFile files =
        new DurableFile(
            d -> {
              throw new IOException("Invalid argument (fsync on a directory)");
            });

    files.replace(file, "one\n".getBytes(StandardCharsets.US_ASCII));
    files.replace(file, "two\n".getBytes(StandardCharsets.US_ASCII));

    assertEquals("two\n", Files.readString(file));
    assertEquals(2, files.directoriesNotSynced());
    assertEquals(List.of(file), listing());
  }

  @Test
  void theRealDirectoryForceWorksOnTheTestFileSystem() throws IOException {
    DurableFile files = new DurableFile();
    Path file = dir.resolve("file.checkpoint");
    files.replace(file, "x\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("x\n", Files.readString(file));
    assertEquals(0, files.directoriesNotSynced(), "this file system forces directories");
  }

  private List<Path> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
