package dev.dockward.fileopen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MountOwnersTest {
  /** A container's mount table as this machine's vfs driver gives it, ids made distinctive. */
  private static final String CONTAINER =
      String.join(
          "\n",
          "9101 8800 254:1 /var/lib/docker/vfs/dir/3f1c/ / rw,relatime - ext4 /dev/vda1 rw",
          "9102 9101 0:61 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
          "9107 9101 254:1 /etc /hostetc ro,relatime - ext4 /dev/vda1 rw",
          "9108 9101 254:1 /var/lib/docker/containers/3f1c/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw",
          "");

  private static final String HOST =
      String.join(
          "\n",
          "23 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
          "24 23 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw",
          "");

  @Test
  void aMountIdNamesItsContainerUntilTheContainerIsForgotten() {
    MountOwners owners = new MountOwners();
    owners.index("3f1c", CONTAINER);
    owners.indexHost(HOST);
    assertEquals(Optional.of("3f1c"), owners.container(9107));
    assertEquals(Optional.of("3f1c"), owners.container(9101));
    assertFalse(owners.isHost(9107));
    assertTrue(owners.isHost(23));
    assertEquals(Optional.empty(), owners.container(23));
    owners.forget("3f1c");
    assertEquals(Optional.empty(), owners.container(9107));
  }

  @Test
  void aReusedMountIdBelongsToItsNewOwnerOnly() {
    MountOwners owners = new MountOwners();
    owners.index("old", CONTAINER);
    owners.index("new", "9107 9101 254:1 /srv /data rw,relatime - ext4 /dev/vda1 rw\n");
    owners.forget("old"); // the old container's entries go, the new owner's stays
    assertEquals(Optional.of("new"), owners.container(9107));
    assertEquals(Optional.empty(), owners.container(9101));
  }
}
