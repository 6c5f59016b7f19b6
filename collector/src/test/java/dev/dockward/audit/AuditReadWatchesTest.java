package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.fileopen.SensitiveFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditReadWatchesTest {
  @TempDir Path dir;

  /** Patterns only (an exact name absent is watched too: see the tests at the end). */
  private static final SensitiveFiles GLOBS =
      new SensitiveFiles(
          List.of("/etc/sh*", "/etc/gsh*", "/etc/sudo*", "/root/.ssh/id_*"), List.of(".pub"));

  /** The kernel's rule list as far as watches go: refuses the paths it is told to. */
  private static final class FakeTable implements AuditReadWatches.Table {
    final List<String> held = new ArrayList<>();
    final Set<String> refuse;

    FakeTable(Set<String> refuse) {
      this.refuse = refuse;
    }

    @Override
    public Optional<String> add(String path) {
      if (refuse.contains(path)) {
        return Optional.of("No such file or directory");
      }
      held.add(path);
      return Optional.empty();
    }

    @Override
    public void remove(String path) {
      held.remove(path);
    }
  }

  private Path root(String name, String... files) throws IOException {
    Path root = dir.resolve(name);
    for (String f : files) {
      Path p = root.resolve(f.substring(1));
      Files.createDirectories(p.getParent());
      Files.writeString(p, "secret");
    }
    return root;
  }

  @Test
  void eachSensitiveFileOfARootIsWatchedThroughThatRootAndGoesWithItsOwner() throws IOException {
    FakeTable table = new FakeTable(Set.of());
    AuditReadWatches w = new AuditReadWatches(table, GLOBS, 100);
    Path c1 = root("c1", "/etc/shadow", "/etc/gshadow", "/etc/hostname", "/root/.ssh/id_rsa.pub");
    Path c2 = root("c2", "/etc/shadow");
    assertEquals(2, w.watch("c1", c1), "hostname is not sensitive, a public key is excluded");
    assertEquals(1, w.watch("c2", c2));
    assertEquals(
        List.of(
            c1.resolve("etc/shadow").toString(),
            c1.resolve("etc/gshadow").toString(),
            c2.resolve("etc/shadow").toString()),
        table.held);
    assertEquals(3, w.placed());
    w.unwatch("c1");
    assertEquals(List.of(c2.resolve("etc/shadow").toString()), table.held);
    assertEquals(1, w.placed());
    w.unwatch("c1");
    assertEquals(1, w.placed(), "a second end changes nothing");
  }

  @Test
  void watchingAnOwnerAgainReplacesItsWatches() throws IOException {
    FakeTable table = new FakeTable(Set.of());
    AuditReadWatches w = new AuditReadWatches(table, GLOBS, 100);
    Path first = root("first", "/etc/shadow");
    Path second = root("second", "/etc/shadow", "/etc/sudoers");
    w.watch("c1", first);
    w.watch("c1", second);
    assertEquals(
        List.of(second.resolve("etc/shadow").toString(), second.resolve("etc/sudoers").toString()),
        table.held);
    assertEquals(2, w.placed());
  }

  @Test
  void pastTheCapFilesAreCountedNotWatched() throws IOException {
    FakeTable table = new FakeTable(Set.of());
    AuditReadWatches w = new AuditReadWatches(table, GLOBS, 3);
    assertEquals(2, w.watch("c1", root("c1", "/etc/shadow", "/etc/gshadow")));
    assertEquals(1, w.watch("c2", root("c2", "/etc/shadow", "/etc/gshadow", "/etc/sudoers")));
    assertEquals(3, table.held.size());
    assertEquals(2, w.capped());
    w.unwatch("c1");
    assertEquals(2, w.watch("c3", root("c3", "/etc/shadow", "/etc/gshadow")), "room again");
  }

  @Test
  void aRefusedWatchIsCountedAndTheOthersStand() throws IOException {
    Path c1 = root("c1", "/etc/shadow", "/etc/gshadow");
    FakeTable table = new FakeTable(Set.of(c1.resolve("etc/gshadow").toString()));
    AuditReadWatches w = new AuditReadWatches(table, GLOBS, 100);
    assertEquals(1, w.watch("c1", c1));
    assertEquals(1, w.refused());
    assertEquals(List.of(c1.resolve("etc/shadow").toString()), table.held);
  }

  @Test
  void anExactNameNotThereYetIsWatchedWhenItsDirectoryIs() throws IOException {
    FakeTable table = new FakeTable(Set.of());
    AuditReadWatches w = new AuditReadWatches(table, SensitiveFiles.DEFAULT, 100);
    Path c1 = root("c1", "/etc/hostname");
    Files.createDirectories(c1.resolve("root/.ssh"));
    w.watch("c1", c1);
    assertEquals(
        List.of(
            c1.resolve("etc/shadow").toString(),
            c1.resolve("etc/gshadow").toString(),
            c1.resolve("etc/shadow-").toString(),
            c1.resolve("etc/gshadow-").toString(),
            c1.resolve("etc/sudoers").toString(),
            c1.resolve("etc/pam.conf").toString()),
        table.held,
        "/etc is there; /etc/security, /run/secrets, /root/.aws… are not, and id_* is a pattern");
  }

  @Test
  void aLinkedDirectoryIsFollowedInsideTheRootForAnAbsentName() throws IOException {
    FakeTable table = new FakeTable(Set.of());
    AuditReadWatches w = new AuditReadWatches(table, SensitiveFiles.DEFAULT, 100);
    Path c1 = root("c1", "/real-etc/hostname");
    Files.createSymbolicLink(c1.resolve("etc"), Path.of("/real-etc"));
    w.watch("c1", c1);
    assertEquals(
        c1.resolve("real-etc/shadow").toString(),
        table.held.get(0),
        "the link's absolute target starts again at the container's root, not the agent's");
  }
}
