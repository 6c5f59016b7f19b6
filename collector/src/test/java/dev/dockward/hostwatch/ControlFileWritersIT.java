package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer of a marked file, heard from the real kernel (needs CAP_SYS_ADMIN for fanotify). */
@Tag("integration")
class ControlFileWritersIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static Object key(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  private static Optional<ControlFileWriters.Writer> awaitWriter(ControlFileWriters w, Object key) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    Optional<ControlFileWriters.Writer> writer;
    while ((writer = w.takeWriter(key)).isEmpty() && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return writer;
  }

  @Test
  void aWriteNamesItsProcessOnceAndAnAliasCountsForItsFile() throws Exception {
    Optional<ControlFileWriters> opened = ControlFileWriters.open(new ProcReader(HostFs.system()));
    Assumptions.assumeTrue(opened.isPresent(), "fanotify unavailable here");
    try (ControlFileWriters writers = opened.get()) {
      Path agent = Files.writeString(dir.resolve("release_agent"), "\n");
      Path alias = Files.writeString(dir.resolve("core_pattern_of_a_container"), "core\n");
      Path unmarked = Files.writeString(dir.resolve("other"), "x\n");
      assertTrue(writers.watch(agent, key(agent)));
      assertTrue(writers.watch(alias, key(alias), key(agent)));
      Files.writeString(unmarked, "y\n");
      Files.writeString(agent, "/evil\n");
      ControlFileWriters.Writer writer = awaitWriter(writers, key(agent)).orElseThrow();
      assertEquals(ProcessHandle.current().pid(), writer.pid());
      assertEquals(Optional.empty(), writer.containerId(), "this test runs on the host");
      assertEquals(Optional.empty(), writers.takeWriter(key(agent)), "taken once");
      assertEquals(
          Optional.empty(), writers.takeWriter(key(unmarked)), "an unmarked file is not heard");
      Files.writeString(alias, "|/x\n"); // counts for the file it stands for
      assertEquals(
          ProcessHandle.current().pid(), awaitWriter(writers, key(agent)).orElseThrow().pid());
      assertEquals(Optional.empty(), writers.failure());
      assertEquals(2, writers.marked());
      Files.writeString(agent, "/again\n");
      awaitWriter(writers, key(agent)).orElseThrow();
      Files.writeString(agent, "/more\n");
      writers.retain(java.util.Set.of(key(alias))); // the release agent is no longer compared
      assertEquals(1, writers.marked());
    }
  }
}
