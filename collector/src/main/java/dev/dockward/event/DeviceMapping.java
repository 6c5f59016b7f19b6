package dev.dockward.event;

import java.util.Objects;

/**
 * A host device given to a container ({@code --device}, {@code HostConfig.Devices}).
 *
 * @param pathOnHost e.g. {@code /dev/sda}
 * @param pathInContainer where the container sees it
 * @param permissions the cgroup permissions, {@code r}, {@code w} and {@code m} (mknod)
 */
public record DeviceMapping(String pathOnHost, String pathInContainer, String permissions) {
  public DeviceMapping {
    Objects.requireNonNull(pathOnHost, "pathOnHost");
    Objects.requireNonNull(pathInContainer, "pathInContainer");
    Objects.requireNonNull(permissions, "permissions");
  }
}
