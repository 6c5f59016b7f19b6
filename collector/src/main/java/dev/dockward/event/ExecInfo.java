package dev.dockward.event;

import java.util.Objects;

/**
 * What the daemon says of an exec session. {@code cmdline} is untrusted text from the caller.
 *
 * @param id the exec id, empty when the daemon did not give it
 * @param cmdline the command as the daemon reports it
 * @param user the user requested with {@code --user}, empty for the container's default
 * @param privileged whether {@code --privileged} was asked
 * @param tty whether a terminal was allocated (an interactive session)
 */
public record ExecInfo(String id, String cmdline, String user, boolean privileged, boolean tty) {
  public ExecInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(cmdline, "cmdline");
    Objects.requireNonNull(user, "user");
  }
}
