package dev.dockward.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dockward.agent.journal.ChainVerifier;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.agent.lifecycle.AgentLifecycleSource;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.pipeline.Pipeline;
import dev.dockward.event.HostInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a real 4 MiB tmpfs that fills up: appends are refused and counted, the pipeline
 * and the detector go on, and once space returns the journal takes records again, the next
 * heartbeat carries the loss and the bundled rule alerts on it. The chain stays intact: refused
 * records were never written.
 */
@Tag("integration")
class JournalFullDiskIT {
  private static final HostInfo HOST =
      new HostInfo("full-disk-host", "0123456789abcdef0123456789abcdef");

  @TempDir Path dir;

  private Path mnt;
  private boolean mounted;

  @BeforeEach
  void mountSmallTmpfs() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    mnt = Files.createDirectories(dir.resolve("mnt"));
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "dockward-test", mnt.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    mounted = true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      Process p =
          new ProcessBuilder("umount", "-l", mnt.toString()).redirectErrorStream(true).start();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static ProcessObserved exec(int i) {
    ProcessInfo sh =
        new ProcessInfo(
            10_000 + i,
            1,
            1000L + i,
            "sleeper",
            "/bin/sleeper",
            "sleeper " + "x".repeat(300),
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0),
            Map.of(),
            "/");
    return new ProcessObserved(Instant.now(), "proc_scan", sh, Optional.empty());
  }

  @Test
  void aFullDiskIsCountedDetectionGoesOnAndTheLossIsAlertedOnceSpaceReturns() throws Exception {
    // Most of the file system is taken by something else; deleting it later makes room again.
    Path filler = mnt.resolve("filler");
    Files.write(filler, new byte[1536 * 1024]);
    Path journalDir = mnt.resolve("journal");
    AtomicLong detected = new AtomicLong();
    Detector bundled = Records.bundledRules();
    Detector counting =
        (record, ids) -> {
          detected.incrementAndGet();
          return bundled.alertsFor(record, ids);
        };
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(journalDir, "hourly")) {
      Pipeline pipeline =
          new Pipeline(
              1024,
              id -> Optional.empty(),
              HOST,
              new RecordIds("0123456789ab", 0, 1),
              journal,
              counting);
      pipeline.start();
      AgentLifecycleSource lifecycle =
          new AgentLifecycleSource(
              () -> pipeline.stats().journalFailures(),
              Duration.ofMillis(300),
              Clock.systemUTC(),
              "test");
      lifecycle.start(pipeline);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int sent = 0;
        while (pipeline.stats().journalFailures() < 500
            && sent < 200_000
            && System.nanoTime() < deadline) {
          pipeline.accept(exec(sent++));
        }
        assertTrue(
            pipeline.stats().journalFailures() >= 500,
            "the 4 MiB tmpfs filled up after " + sent + " events");
        long detectedWhileFull = detected.get();
        for (int i = 0; i < 200; i++) {
          pipeline.accept(exec(sent++));
        }
        Await.until(
            () -> detected.get() >= detectedWhileFull + 200,
            Duration.ofSeconds(30),
            () -> "detection goes on while the journal refuses records");
        assertTrue(pipeline.running(), "the pipeline survives a full disk");
        assertFalse(pipeline.journalAccepting());
        long refused = pipeline.stats().journalFailures();

        Files.delete(filler);
        Await.until(
            () -> {
              try {
                pipeline.accept(exec(10_000_000));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return pipeline.journalAccepting();
            },
            Duration.ofSeconds(30),
            () -> "the journal takes records again once space returns");
        Await.until(
            () -> droppingAlert(journalDir).isPresent(),
            Duration.ofSeconds(30),
            () -> "a heartbeat reports the refused records and agent_dropping_events fires");
        String alert = droppingAlert(journalDir).orElseThrow();
        assertTrue(alert.contains("\"drops\":") || alert.contains("lost"), alert);
        assertTrue(pipeline.stats().journalFailures() >= refused);
      } finally {
        lifecycle.close();
        pipeline.close();
      }
    }
    try (ChronicleJournal j = ChronicleJournal.openForReading(journalDir)) {
      ChainVerifier.Result v = new ChainVerifier().verify(j);
      assertTrue(v.intact(), v.breaks().toString());
      assertTrue(v.entries() > 1000, "records before and after the full disk: " + v.entries());
    }
  }

  private static Optional<String> droppingAlert(Path journalDir) {
    List<String> found = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(journalDir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        if (r.get().json().contains("\"rule\":\"agent_dropping_events\"")) {
          found.add(r.get().json());
        }
      }
    }
    return found.stream().findFirst();
  }
}
