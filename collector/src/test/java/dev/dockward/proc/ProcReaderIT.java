package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.ProcessInfo;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ProcReader and ProcScanSource against the real /proc of this host and a real container. */
@Tag("integration")
class ProcReaderIT {
  /** Debian's client: another, unrelated {@code docker} may come first on the PATH. */
  private static final String DOCKER = "/usr/bin/docker";

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private static final String NAME = "dw-proc-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static String containerId;
  private static int containerPid;

  @BeforeAll
  static void startContainer() throws Exception {
    String name = NAME;
    containerId =
        docker(
            "run",
            "-d",
            "--label",
            "dockward.test=1",
            "--name",
            name,
            "dockward/busybox:test",
            "sleep",
            "300");
    containerPid = Integer.parseInt(docker("inspect", "-f", "{{.State.Pid}}", containerId));
    assertTrue(containerPid > 0, "the container runs");
    // runc may return before the container's init has exec'd sleep: poll until it has.
    ProcReader reader = new ProcReader(HostFs.system());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!reader.read(containerPid).map(p -> p.name().equals("sleep")).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "pid " + containerPid + " did not become sleep: " + reader.read(containerPid));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(
          Duration.ofMillis(10).toNanos()); // a pause between polls
    }
  }

  @AfterAll
  static void removeContainer() throws Exception {
    // By name: a run that failed after creating the container left no id behind.
    try {
      docker("rm", "-f", NAME);
    } catch (IllegalStateException noSuchContainer) {
      if (containerId != null) {
        throw noSuchContainer;
      }
    }
  }

  @Test
  void aProcfsPidDirectoryIdentifiesItsProcessAndAnEndedOneHasNone() throws Exception {
    ProcReader reader = new ProcReader(HostFs.system());
    Optional<Object> first = reader.identity(containerPid);
    assertTrue(first.isPresent(), "procfs gives a pid directory a file key");
    assertEquals(first, reader.identity(containerPid), "stable while the process lives");
    Process shortLived = new ProcessBuilder("/bin/true").start();
    int pid = (int) shortLived.pid();
    shortLived.waitFor();
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join()); // reaped: its pid directory is gone
    assertEquals(Optional.empty(), reader.identity(pid));
    assertEquals(
        Optional.empty(),
        new ProcReader(HostFs.rootedAt(Path.of("/nonexistent-root"))).identity(1),
        "not procfs: no identity");
  }

  @Test
  void readsTheContainersInitProcessWithItsContainerIdAndOwnNamespaces() {
    ProcReader reader = new ProcReader(HostFs.system());
    assertTrue(reader.pids().anyMatch(p -> p == containerPid), "the pid is listed");

    ProcessInfo p = reader.read(containerPid).orElseThrow();
    assertEquals(containerPid, p.pid());
    assertEquals("sleep", p.name());
    assertEquals("sleep 300", p.cmdline());
    assertEquals(Optional.of(containerId), ContainerIdResolver.containerId(p.cgroup()));

    ProcessInfo self = reader.read((int) ProcessHandle.current().pid()).orElseThrow();
    Long ownMnt = self.namespaces().get("mnt");
    assertNotNull(ownMnt, "the test JVM's own mnt namespace is readable");
    assertNotNull(p.namespaces().get("mnt"));
    assertNotEquals(ownMnt, p.namespaces().get("mnt"));
    assertNotEquals(self.namespaces().get("pid"), p.namespaces().get("pid"));
    assertEquals(
        Optional.empty(),
        ContainerIdResolver.containerId(self.cgroup()),
        "the test JVM is on the host");
  }

  @Test
  void scanEmitsTheContainersProcessWithItsUnresolvedContainer() throws InterruptedException {
    ProcScanSource source =
        new ProcScanSource(HostFs.system(), Duration.ofSeconds(1), Clock.systemUTC());
    List<Event> events = new ArrayList<>();
    source.scanOnce(events::add);
    Event e =
        events.stream()
            .filter(x -> x.process().orElseThrow().pid() == containerPid)
            .findFirst()
            .orElseThrow();
    assertEquals(Optional.of(ContainerInfo.unresolved(containerId)), e.container());
    assertTrue(
        events.stream()
            .anyMatch(
                x ->
                    x.process().orElseThrow().pid() == ProcessHandle.current().pid()
                        && x.container().isEmpty()),
        "the test JVM is emitted as a host process");
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(DOCKER);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IllegalStateException(command + " failed (" + process.exitValue() + "): " + out);
    }
    return out;
  }
}
