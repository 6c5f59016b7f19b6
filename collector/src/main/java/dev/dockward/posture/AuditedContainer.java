package dev.dockward.posture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockward.docker.ContainerInspectParser;
import dev.dockward.event.ContainerInfo;
import java.util.Objects;

/**
 * A running container as the audit sees it: the inventory's view plus the two settings only the
 * audit needs.
 *
 * @param info the container as {@link ContainerInspectParser} reads it
 * @param user {@code Config.User}: empty means the image's user, which is root unless the image
 *     says otherwise
 * @param readonlyRootfs {@code HostConfig.ReadonlyRootfs}
 */
public record AuditedContainer(ContainerInfo info, String user, boolean readonlyRootfs) {
  public AuditedContainer {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(user, "user");
  }

  /** {@code GET /containers/{id}/json} → the audited container. */
  public static AuditedContainer parse(JsonNode inspect) {
    return new AuditedContainer(
        ContainerInspectParser.parse(inspect),
        inspect.path("Config").path("User").asText(""),
        inspect.path("HostConfig").path("ReadonlyRootfs").asBoolean(false));
  }

  /**
   * Whether its processes run as root: no user (the image's, root for nearly all images), or user 0
   * / {@code root} with or without a group.
   */
  boolean runsAsRoot() {
    String u = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    return u.isEmpty() || u.equals("0") || u.equals("root");
  }
}
