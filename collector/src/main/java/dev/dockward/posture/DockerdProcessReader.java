package dev.dockward.posture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the dockerd processes in a procfs: every {@code <proc>/<pid>} whose {@code comm} is {@code
 * dockerd}, with its command line. A process that ends while it is read is skipped.
 */
final class DockerdProcessReader {
  private final Path proc;

  DockerdProcessReader(Path proc) {
    this.proc = proc;
  }

  List<DockerdProcess> read() throws IOException {
    List<DockerdProcess> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("[0-9]+"))) {
      for (Path dir : dirs) {
        try {
          if (!"dockerd"
              .equals(Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip())) {
            continue;
          }
          out.add(
              new DockerdProcess(
                  Integer.parseInt(dir.getFileName().toString()),
                  argv(Files.readAllBytes(dir.resolve("cmdline")))));
        } catch (NoSuchFileException e) {
          // the process ended between the listing and the read: it is not running any more
        }
      }
    }
    out.sort(Comparator.comparingInt(DockerdProcess::pid));
    return out;
  }

  /** NUL-separated arguments; the last one's terminating NUL makes no empty argument. */
  static List<String> argv(byte[] cmdline) {
    String text = new String(cmdline, StandardCharsets.UTF_8);
    if (text.endsWith("\0")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\0", -1));
  }
}
