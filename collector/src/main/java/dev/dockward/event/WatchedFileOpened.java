package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process in a container opened a sensitive file one of the audit source's read watches is on
 * (type {@code watched_file_open}), with the name <em>as the program passed it</em>: {@code
 * ../../../etc/shadow} from {@code /usr/bin} is reported so, where the {@code file_open} event of
 * the same read names only the file. Audit mode only; a separate kind so that the read itself is
 * still one {@code file_open}.
 *
 * @param proc the opening process as read when the open was reported, if it was still there, else
 *     what the records say of it
 * @param pid the opening process's pid on the host
 * @param call the syscall ({@code open}, {@code openat} or {@code openat2})
 * @param requestedPath the name the program passed, decoded from the record; untrusted text
 * @param cwd the process's working directory as it sees it, "" when the records had none
 * @param path the file, {@code requestedPath} resolved lexically against {@code cwd}; empty when it
 *     cannot be (a name relative to a directory descriptor other than the working directory)
 */
public record WatchedFileOpened(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    int pid,
    String call,
    String requestedPath,
    String cwd,
    Optional<String> path,
    Optional<ContainerInfo> container)
    implements Event {
  public WatchedFileOpened {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(requestedPath, "requestedPath");
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "watched_file_open";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new WatchedFileOpened(
        time, source, proc, pid, call, requestedPath, cwd, path, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> open = new LinkedHashMap<>();
    open.put("requested_path", requestedPath);
    if (!cwd.isEmpty()) {
      open.put("cwd", cwd);
    }
    path.ifPresent(p -> open.put("path", p));
    open.put("call", call);
    open.put("pid", (long) pid);
    record.put("watched_file_open", open);
  }
}
