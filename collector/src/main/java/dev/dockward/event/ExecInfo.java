package dev.dockward.event;

import java.util.LinkedHashMap;
import java.util.Map;
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

  /** The {@code exec} object of a {@code docker_exec} record. */
  Map<String, Object> document() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("cmdline", cmdline);
    m.put("user", user);
    m.put("privileged", privileged);
    m.put("tty", tty);
    return m;
  }
}
