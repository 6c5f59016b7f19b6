package dev.dockward.posture;

import java.util.Objects;

/**
 * Something the audit could not check, and why.
 *
 * @param what the fact that is missing, naming the file or process, e.g. {@code
 *     /etc/docker/daemon.json}
 * @param detail the error, as the reader or parser put it
 */
public record CheckProblem(String what, String detail) {
  public CheckProblem {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(detail, "detail");
  }
}
