package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process in a container made a symbolic or hard link (type {@code file_link}), from the audit
 * subsystem's record of the {@code symlink}, {@code symlinkat}, {@code link} or {@code linkat}
 * call: whatever program made it, not only {@code ln}. Host processes' links are not reported (the
 * runtime makes thousands when it unpacks or copies an image). Paths are the container's (the
 * process's own root); the texts come from the process and are untrusted.
 *
 * @param proc the process that made the link
 * @param kind {@code symbolic} or {@code hard}
 * @param call the system call ({@code symlink}, {@code symlinkat}, {@code link}, {@code linkat})
 * @param path the new link, resolved against the working directory and normalised; "" when it was
 *     named relative to a directory descriptor (the directory is not in the record)
 * @param target what it points to: a symbolic link's text resolved against the link's directory, or
 *     the existing file of a hard link resolved against the working directory; normalised, "" when
 *     it cannot be resolved
 * @param pathAsWritten the new link's name as the program passed it
 * @param targetAsWritten the target as the program passed it
 */
public record FileLinked(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    String kind,
    String call,
    String path,
    String target,
    String pathAsWritten,
    String targetAsWritten,
    Optional<ContainerInfo> container)
    implements Event {
  public FileLinked {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(pathAsWritten, "pathAsWritten");
    Objects.requireNonNull(targetAsWritten, "targetAsWritten");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "file_link";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new FileLinked(
        time,
        source,
        proc,
        kind,
        call,
        path,
        target,
        pathAsWritten,
        targetAsWritten,
        Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> link = new LinkedHashMap<>();
    link.put("kind", kind);
    link.put("call", call);
    link.put("path", path);
    link.put("target", target);
    link.put("path_as_written", pathAsWritten);
    link.put("target_as_written", targetAsWritten);
    record.put("link", link);
  }
}
