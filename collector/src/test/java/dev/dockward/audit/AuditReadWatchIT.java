package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.SocketClaims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read watches against the real kernel, on the host alone (no Docker): the kernel takes our
 * watch rules as built, on a present file and on an absent name in an existing directory; a host
 * process's {@code cat ../../etc/shadow} reaches the source (counted as the host's, not reported);
 * a flush of our key puts them back; the source's close deletes them. The host root is a temporary
 * tree, so the host's real credentials files are not watched. Needs root and auditctl; run under
 * {@code flock /tmp/dockward-audit.lock}.
 */
@Tag("integration")
class AuditReadWatchIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String AUDITCTL = "/usr/sbin/auditctl";

  @TempDir Path root;

  @Test
  void theKernelTakesOurWatchesHearsAWatchedOpenAndTheyGoOnClose() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(AUDITCTL)), "needs auditctl");
    Map<String, String> found = status();
    List<String> foundRules = rules();
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
    HostFs hostFs =
        new HostFs(root, Path.of("/proc"), Path.of("/sys"), Path.of("/run"), root.resolve("etc"));
    AuditExecSource source =
        AuditExecSource.open(
            new ProcReader(HostFs.system()),
            new AuditExecSource.Settings(8 << 20, 1024, 256, 1024, Duration.ofSeconds(1), 64),
            new AtomicBoolean(),
            new SocketClaims(),
            hostFs,
            "");
    String shadow = "-w " + root.resolve("etc/shadow") + " -p r -k dockward";
    String gshadow = "-w " + root.resolve("etc/gshadow") + " -p r -k dockward";
    try {
      source.start(e -> {});
      List<String> listed = rules();
      assertTrue(listed.contains(shadow), "the present file: " + listed);
      assertTrue(listed.contains(gshadow), "an absent name in an existing directory: " + listed);
      assertEquals(0L, source.counters().get("read_watches_refused"));

      // A host process reading by a climbing name: heard, and dropped as the host's.
      until(
          () -> {
            cat(root.resolve("a/b"), "../../etc/shadow");
            return source.counters().get("host_watched_opens_ignored") > 0;
          },
          () -> "the watched open heard: " + source.counters());

      auditctl("-D", "-k", "dockward");
      until(
          () -> {
            List<String> now = rulesQuietly();
            return now.contains(shadow) && now.contains(gshadow);
          },
          () -> "our watches back after a flush: " + rulesQuietly());
    } finally {
      source.close();
    }
    List<String> after = rules();
    assertTrue(
        after.stream().noneMatch(r -> r.contains(root.toString())), "watches deleted: " + after);
    if ("0".equals(found.get("pid"))) {
      assertEquals(foundRules, after, "rules as found");
      assertEquals(found.get("enabled"), status().get("enabled"), "enabled as found");
    }
  }

  private static void cat(Path cwd, String name) {
    try {
      Process p =
          new ProcessBuilder("/bin/cat", name)
              .directory(cwd.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void until(BooleanSupplier done, Supplier<String> what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static Map<String, String> status() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : auditctl("-s").split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        out.put(line.substring(0, space), line.substring(space + 1).strip());
      }
    }
    return out;
  }

  private static List<String> rules() throws Exception {
    String out = auditctl("-l");
    return out.equals("No rules") ? List.of() : List.of(out.split("\n"));
  }

  private static List<String> rulesQuietly() {
    try {
      return rules();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static String auditctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(AUDITCTL));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
    return out;
  }
}
