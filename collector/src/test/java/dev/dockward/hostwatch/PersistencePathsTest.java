package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PersistencePathsTest {
  @ParameterizedTest
  @CsvSource({
    "/etc/ld.so.preload,               loader_preload",
    "/etc/crontab,                     cron",
    "/etc/cron.d/0hourly-x,            cron",
    "/etc/crontabs/root,               cron", // busybox and Alpine's crond
    "/var/spool/cron/crontabs/root,    cron",
    "/etc/periodic/15min/job,          cron",
    "/etc/profile,                     shell_rc",
    "/etc/profile.d/zz-evil.sh,        shell_rc",
    "/etc/bash.bashrc,                 shell_rc",
    "/root/.bashrc,                    shell_rc",
    "/home/alice/.profile,             shell_rc",
    "/root/.ssh/authorized_keys,       ssh_keys",
    "/home/alice/.ssh/authorized_keys2, ssh_keys",
    "/etc/ld.so.conf.d/evil.conf,      libraries",
    "/etc/passwd,                      etc",
    "/etc/sudoers.d/x,                 etc",
    "/bin/ls,                          binaries",
    "/usr/local/bin/kubectl,           binaries",
    "/usr/sbin/sshd,                   binaries",
    "/lib/x86_64-linux-gnu/libc.so.6,  libraries",
    "/usr/lib/libpam.so.0,             libraries",
  })
  void aPlaceThatMattersHasItsCategory(String path, String category) {
    assertEquals(Optional.of(category), PersistencePaths.category(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/tmp/x",
        "/var/log/nginx/access.log",
        "/app/data.db",
        "/etcetera/passwd",
        "/etc",
        "/binary",
        "/usr/share/doc/x",
        "/var/cache/apk/APKINDEX",
        "/root/notes.txt",
        "/home/alice/.ssh/known_hosts",
        "/etc/.pwd.lock (deleted)", // a temporary file gone before the event was read: nothing
        // persists
        "etc/passwd", // not a path the kernel gives for a file of the container
        "/tmp/../etc/passwd",
      })
  void anyOtherPlaceIsNone(String path) {
    assertEquals(Optional.empty(), PersistencePaths.category(path));
  }
}
