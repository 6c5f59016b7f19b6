package dev.dockward.event;

import java.util.Objects;

/**
 * One mount of a container.
 *
 * @param type {@code bind}, {@code volume}, {@code tmpfs}, …
 * @param source the host path (for binds) or the volume's path
 * @param destination the path inside the container
 * @param readWrite whether the container may write it
 */
public record MountInfo(String type, String source, String destination, boolean readWrite) {
  public MountInfo {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }
}
