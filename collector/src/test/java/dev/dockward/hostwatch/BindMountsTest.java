package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.MountInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BindMountsTest {
  private static final MountInfo DATA = new MountInfo("bind", "/tmp/hw/data", "/hostdata", true);
  private static final MountInfo ETC = new MountInfo("bind", "/etc/", "/host/etc/", true);
  private static final MountInfo HOST_ROOT = new MountInfo("bind", "/", "/host", true);
  private static final MountInfo VOLUME =
      new MountInfo("volume", "/var/lib/docker/volumes/8ba8c576/_data", "/hostdata/cache", true);
  private static final MountInfo FILE = new MountInfo("bind", "/etc/passwd", "/etc/passwd", true);

  /** Host paths that "exist and are the written file" in each case. */
  private static Optional<BindMounts.HostFile> resolve(
      List<MountInfo> mounts, String reported, String... writtenOnHost) {
    return BindMounts.hostFile(mounts, reported, Set.of(writtenOnHost)::contains);
  }

  @Test
  void aPathUnderABindMountIsTheHostFileBelowItsSource() {
    assertEquals(
        Optional.of(new BindMounts.HostFile(DATA, "/tmp/hw/data/crontab")),
        resolve(List.of(DATA, VOLUME), "/hostdata/crontab", "/tmp/hw/data/crontab"));
  }

  @Test
  void theLongestDestinationDecidesAndTrailingSlashesDoNotCount() {
    assertEquals(
        Optional.of(new BindMounts.HostFile(ETC, "/etc/cron.d/x")),
        resolve(List.of(HOST_ROOT, ETC), "/host/etc/cron.d/x", "/etc/cron.d/x"));
    assertEquals(
        Optional.of(new BindMounts.HostFile(HOST_ROOT, "/root/.ssh/authorized_keys")),
        resolve(
            List.of(HOST_ROOT, ETC),
            "/host/root/.ssh/authorized_keys",
            "/root/.ssh/authorized_keys"));
  }

  @Test
  void aVolumeInsideABindMountIsTheContainersOwnStorage() {
    assertEquals(
        Optional.empty(),
        resolve(List.of(DATA, VOLUME), "/hostdata/cache/x", "/tmp/hw/data/cache/x"));
  }

  @Test
  void aPathOnlySharingAPrefixOfTheDestinationIsNotUnderIt() {
    // "/hostdata2/x" is not below "/hostdata"; nor is any host file the written one
    assertEquals(Optional.empty(), resolve(List.of(DATA), "/hostdata2/x"));
  }

  @Test
  void afterTheContainerEndedThePathIsBelowTheMountRootAndTheWrittenFileDecides() {
    // the kernel reports "/crontab" once the container's mounts are gone
    assertEquals(
        Optional.of(new BindMounts.HostFile(ETC, "/etc/crontab")),
        resolve(List.of(DATA, ETC), "/crontab", "/etc/crontab"));
  }

  @Test
  void theContainersOwnFileIsNoHostFileEvenIfAHostFileHasTheSameName() {
    // "/own" written in the container's root: /tmp/hw/data/own exists but is another file
    assertEquals(Optional.empty(), resolve(List.of(DATA), "/own"));
  }

  @Test
  void aSingleFileBindMountIsItsSource() {
    assertEquals(
        Optional.of(new BindMounts.HostFile(FILE, "/etc/passwd")),
        resolve(List.of(FILE), "/etc/passwd", "/etc/passwd"));
    // ended: the file is the mount's root, reported as "/"
    assertEquals(
        Optional.of(new BindMounts.HostFile(FILE, "/etc/passwd")),
        resolve(List.of(FILE), "/", "/etc/passwd"));
  }

  @Test
  void aMountOfTheHostRootKeepsThePathWhole() {
    MountInfo root = new MountInfo("bind", "/", "/", true);
    assertEquals(
        Optional.of(new BindMounts.HostFile(root, "/etc/shadow")),
        resolve(List.of(root), "/etc/shadow", "/etc/shadow"));
  }
}
