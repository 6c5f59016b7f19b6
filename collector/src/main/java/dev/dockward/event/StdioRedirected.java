package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A running program put a socket on its own standard input, output or error with {@code dup2} or
 * {@code dup3} (type {@code stdio_redirect}), from the audit subsystem: how a reverse shell written
 * in Python, Perl or C hands its connection to the shell it then runs, after any exec the process
 * connector could have judged. Reported for sockets only (a pipe or file put there is what every
 * shell redirection does), for container processes only; what the descriptor is was read from
 * {@code /proc/<pid>/fd} when the record arrived.
 *
 * @param proc the process that made the call
 * @param call {@code dup2} or {@code dup3}
 * @param fd the standard descriptor replaced: 0, 1 or 2
 * @param fromFd the descriptor duplicated onto it
 * @param kind what {@code fd} is: {@code tcp}, {@code udp}, {@code unix} or {@code socket} (another
 *     family)
 */
public record StdioRedirected(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    String call,
    int fd,
    int fromFd,
    StdioKind kind,
    Optional<ContainerInfo> container)
    implements Event {
  public StdioRedirected {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "stdio_redirect";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new StdioRedirected(time, source, proc, call, fd, fromFd, kind, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> redirect = new LinkedHashMap<>();
    redirect.put("call", call);
    redirect.put("fd", (long) fd);
    redirect.put("from_fd", (long) fromFd);
    redirect.put("kind", kind.text());
    record.put("stdio_redirect", redirect);
  }
}
