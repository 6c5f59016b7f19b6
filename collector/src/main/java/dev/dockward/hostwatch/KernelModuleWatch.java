package dev.dockward.hostwatch;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.HostFileChanged;
import dev.dockward.event.ProcessInfo;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel's module list ({@code <proc>/modules}), compared pass by pass. Modules that appeared
 * are reported as a {@code kernel_modules} change, with a module loader (insmod, modprobe, kmod, or
 * busybox running one of them) alive at that moment if there is one, preferably one in a container:
 * a module a container loads runs above every container boundary. A kernel without module support
 * has no such file, and nothing is reported. Used by the host watch's thread.
 */
final class KernelModuleWatch {
  static final String KIND = "kernel_modules";
  private static final Set<String> LOADERS = Set.of("insmod", "modprobe", "kmod");

  private final HostFs host;
  private final ProcReader reader;

  /** The names at the last read; null before the first. */
  private Set<String> last;

  private long unreadable;

  KernelModuleWatch(HostFs host, ProcReader reader) {
    this.host = host;
    this.reader = reader;
  }

  /** Files that could not be read. */
  long unreadable() {
    return unreadable;
  }

  /** The modules loaded since the previous pass, if any; the first pass is the baseline. */
  Optional<HostFileChanged> pass(Instant now, List<ContainerInfo> running) {
    Path file = host.proc().resolve("modules");
    Set<String> names;
    try {
      names = names(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // a kernel without module support
    } catch (IOException | RuntimeException e) {
      unreadable++;
      return Optional.empty();
    }
    Set<String> before = last;
    last = names;
    if (before == null) {
      return Optional.empty();
    }
    Set<String> added = new TreeSet<>(names);
    added.removeAll(before);
    if (added.isEmpty()) {
      return Optional.empty();
    }
    Optional<ProcessInfo> loader = loader();
    Optional<ContainerInfo> container =
        loader
            .flatMap(p -> ContainerIdResolver.containerId(p.cgroup()))
            .map(
                id ->
                    running.stream()
                        .filter(c -> c.id().equals(id))
                        .findFirst()
                        .orElse(ContainerInfo.unresolved(id)));
    return Optional.of(
        new HostFileChanged(
            now,
            HostWatch.SOURCE,
            KIND,
            file.toString(),
            Optional.empty(),
            String.join(",", added),
            container,
            loader));
  }

  /** The first field of each line: the module's name (proc(5)); other lines are skipped. */
  static Set<String> names(String procModules) {
    Set<String> out = new TreeSet<>();
    for (String line : procModules.split("\n")) {
      int end = line.indexOf(' ');
      if (end > 0) {
        out.add(line.substring(0, end));
      }
    }
    return out;
  }

  /**
   * A module loader running now, one in a container first; read only when modules appeared (rare).
   */
  private Optional<ProcessInfo> loader() {
    Optional<ProcessInfo> onHost = Optional.empty();
    for (int pid : reader.pids().toArray()) {
      if (!isLoader(pid)) {
        continue;
      }
      Optional<ProcessInfo> p = reader.read(pid);
      if (p.isPresent() && ContainerIdResolver.containerId(p.get().cgroup()).isPresent()) {
        return p;
      }
      onHost = onHost.or(() -> p);
    }
    return onHost;
  }

  private boolean isLoader(int pid) {
    try {
      String comm =
          Files.readString(host.pidDir(pid).resolve("comm"), StandardCharsets.ISO_8859_1).trim();
      if (LOADERS.contains(comm)) {
        return true;
      }
      if (!comm.equals("busybox")) {
        return false;
      }
      String cmdline =
          Files.readString(host.pidDir(pid).resolve("cmdline"), StandardCharsets.ISO_8859_1);
      return cmdline.contains("insmod") || cmdline.contains("modprobe");
    } catch (IOException | RuntimeException e) {
      return false; // it ended meanwhile
    }
  }
}
