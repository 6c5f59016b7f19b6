package dev.dockward.fileopen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dockward.event.Event;
import dev.dockward.host.HostFs;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch on the real kernel (root): a host file marked at start is heard when a host process
 * opens it, and the open is the host's (through the host's own mount): counted, never reported; a
 * file beside it is not heard at all. Containers are SensitiveOpenIT's (agent module).
 */
@Tag("integration")
class SensitiveOpenSourceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aHostProcessOpeningAMarkedHostFileIsHeardAndDroppedAsTheHosts() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "root:*:20000::::::\n");
    Path plain = Files.writeString(dir.resolve("plain"), "nothing\n");
    HostFs host = HostFs.system();
    List<Event> events = new CopyOnWriteArrayList<>();
    try (SensitiveOpenSource watch =
        SensitiveOpenSource.open(
            host,
            HostReference.find(host),
            new ProcReader(host),
            List::of,
            id -> Optional.empty(),
            Clock.systemUTC(),
            new SensitiveFiles(List.of(secret.toString()), List.of()))) {
      watch.start(events::add);
      await(() -> watch.marks() == 1, "the host file marked");
      run("cat", plain.toString());
      run("cat", secret.toString());
      await(() -> watch.counters().get("host_opens") >= 1, "the host's open heard");
      // The plain file's open (made first) would have been heard before: only the secret's was.
      assertEquals(1L, watch.counters().get("host_opens"), watch.counters().toString());
      assertEquals(List.of(), events, "a host open is no container's");
      assertEquals(0L, watch.counters().get("unattributed"));
      assertFalse(watch.health().isDegraded(), watch.health().toString());
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertEquals(0, p.waitFor());
  }

  private static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(what + " not within " + DEADLINE);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
