package dev.dockward.audit;

import dev.dockward.fileopen.SensitiveFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which read watches the audit source holds, and for whom: one per sensitive file (the list the
 * {@code sensitive_opens} watch uses, {@link SensitiveFiles}) on the host's copies and on each
 * running container's own, reached through its init's {@code /proc/<pid>/root}; also the exact
 * names of the list that are absent while their directory is there (the kernel holds a watch on a
 * name until the file appears). A container's go when it ends. The total is capped: a file past the
 * cap is not watched and counted. A watch the kernel refuses (the file's directory went meanwhile)
 * is counted, not an error. Thread-safe.
 */
final class AuditReadWatches {
  /**
   * Where the watches are added and deleted: the kernel's rule list, through {@link AuditControl}.
   */
  interface Table {
    /** Adds a read watch; the refusal's reason, empty when it is in place. */
    Optional<String> add(String path);

    /** Deletes a read watch added before. */
    void remove(String path);
  }

  /** The owner of the host's watches. */
  static final String HOST = "";

  /** Watches at most: about a dozen files a container, so some hundred containers. */
  static final int DEFAULT_CAP = 2_048;

  private final Table table;
  private final SensitiveFiles files;
  private final int cap;
  private final Map<String, List<String>> byOwner = new HashMap<>();
  private int placed;
  private long refused;
  private long capped;

  AuditReadWatches(Table table, SensitiveFiles files, int cap) {
    if (cap < 0) {
      throw new IllegalArgumentException("cap must not be negative: " + cap);
    }
    this.table = Objects.requireNonNull(table, "table");
    this.files = Objects.requireNonNull(files, "files");
    this.cap = cap;
  }

  /**
   * Watches the sensitive files under {@code root} for {@code owner} ({@link #HOST}, or a container
   * id), replacing what that owner had (a container restarted has a new init). Returns how many
   * were placed.
   */
  synchronized int watch(String owner, Path root) {
    unwatch(owner);
    List<String> mine = new ArrayList<>();
    List<SensitiveFiles.Found> wanted = new ArrayList<>(files.expand(root));
    // A file written after the start (a container's entrypoint making its /etc/shadow): the
    // kernel takes a watch on a name not there yet when its directory is.
    wanted.addAll(files.absent(root));
    for (SensitiveFiles.Found f : wanted) {
      if (placed >= cap) {
        capped++;
        continue;
      }
      String path = f.file().toAbsolutePath().toString();
      if (table.add(path).isPresent()) {
        refused++;
        continue;
      }
      mine.add(path);
      placed++;
    }
    if (!mine.isEmpty()) {
      byOwner.put(owner, mine);
    }
    return mine.size();
  }

  /** Deletes {@code owner}'s watches. */
  synchronized void unwatch(String owner) {
    List<String> mine = byOwner.remove(owner);
    if (mine == null) {
      return;
    }
    for (String path : mine) {
      table.remove(path);
    }
    placed -= mine.size();
  }

  /** Watches held now. */
  synchronized int placed() {
    return placed;
  }

  /** Watches the kernel refused, since the start. */
  synchronized long refused() {
    return refused;
  }

  /** Files not watched because the cap was reached, since the start. */
  synchronized long capped() {
    return capped;
  }
}
