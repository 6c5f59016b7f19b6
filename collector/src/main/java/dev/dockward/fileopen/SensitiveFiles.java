package dev.dockward.fileopen;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where credentials live, as absolute path patterns whose components may hold {@code *} (any name
 * in that directory), and the files they name under a root: a container's {@code /proc/<init
 * pid>/root} or the host's. Symbolic links are followed as the root's owner sees them (an absolute
 * target starts again at the root, never at the agent's own root), so a container's link cannot
 * make the watch mark a host file in its name.
 *
 * @param patterns absolute path patterns, e.g. {@code /home/*}{@code /.ssh/id_*}
 * @param excludedSuffixes names ending so are passed over ({@code .pub}: a public key is no secret)
 */
public record SensitiveFiles(List<String> patterns, List<String> excludedSuffixes) {
  /**
   * Password hashes, sudo rules and their drop-ins, PAM's and pwquality's configuration (not
   * /etc/pam.d: every PAM program, su and cron included, reads it), SSH host and user private keys,
   * Docker and Kubernetes secrets, cloud and cluster credentials.
   */
  public static final SensitiveFiles DEFAULT =
      new SensitiveFiles(
          List.of(
              "/etc/shadow",
              "/etc/gshadow",
              "/etc/shadow-",
              "/etc/gshadow-",
              "/etc/sudoers",
              "/etc/sudoers.d/*",
              "/etc/pam.conf",
              "/etc/security/pwquality.conf",
              "/etc/ssh/ssh_host_*_key",
              "/root/.ssh/id_*",
              "/home/*/.ssh/id_*",
              "/run/secrets/*",
              "/run/secrets/kubernetes.io/serviceaccount/token",
              "/var/run/secrets/kubernetes.io/serviceaccount/token",
              "/root/.aws/credentials",
              "/home/*/.aws/credentials",
              "/root/.kube/config",
              "/home/*/.kube/config",
              "/root/.docker/config.json",
              "/home/*/.docker/config.json",
              "/root/.config/gcloud/credentials.db",
              "/home/*/.config/gcloud/credentials.db",
              "/root/.azure/accessTokens.json",
              "/home/*/.azure/accessTokens.json",
              "/etc/kubernetes/admin.conf",
              "/etc/kubernetes/super-admin.conf",
              "/etc/kubernetes/pki/*.key"),
          List.of(".pub"));

  /** Links followed in one path at most, as the kernel's own limit of nested links. */
  private static final int MAX_LINKS = 40;

  /**
   * A sensitive file found: its path as the root's owner names it, and where the agent reaches it.
   */
  public record Found(String path, Path file) {}

  public SensitiveFiles {
    patterns = List.copyOf(patterns);
    excludedSuffixes = List.copyOf(excludedSuffixes);
    for (String p : patterns) {
      if (!p.startsWith("/")) {
        throw new IllegalArgumentException("not an absolute path pattern: " + p);
      }
    }
  }

  /**
   * The regular files under {@code root} that the patterns name, each once, in pattern order. One
   * call looks up each directory and each path once, however many patterns share it (every
   * container is looked at when it starts and every few seconds after).
   */
  public List<Found> expand(Path root) {
    Objects.requireNonNull(root, "root");
    Walk walk = new Walk(root);
    List<Found> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String pattern : patterns) {
      for (String path : walk.matches(pattern)) {
        Optional<String> real = walk.resolve(path);
        if (real.isEmpty() || excluded(real.get()) || !seen.add(real.get())) {
          continue;
        }
        Path file = under(root, real.get());
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          out.add(new Found(real.get(), file));
        } else {
          seen.remove(real.get());
        }
      }
    }
    return out;
  }

  /**
   * The files the patterns name exactly (without {@code *}) that are absent under {@code root}
   * while their directory is there: where such a file would appear (a container writing its {@code
   * /etc/shadow} after its start). The directory's links are resolved inside the root, as {@link
   * #expand} does; a name that exists (as anything) is left out. For watches that can wait on a
   * name, as an audit watch can.
   */
  public List<Found> absent(Path root) {
    Objects.requireNonNull(root, "root");
    Walk walk = new Walk(root);
    List<Found> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String pattern : patterns) {
      int slash = pattern.lastIndexOf('/');
      if (pattern.contains("*") || excluded(pattern) || slash < 0) {
        continue;
      }
      Optional<String> dir = walk.resolve(slash == 0 ? "/" : pattern.substring(0, slash));
      if (dir.isEmpty() || !Files.isDirectory(under(root, dir.get()), LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      String path = (dir.get().equals("/") ? "" : dir.get()) + pattern.substring(slash);
      Path file = under(root, path);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !seen.add(path)) {
        continue;
      }
      out.add(new Found(path, file));
    }
    return out;
  }

  private boolean excluded(String path) {
    return excludedSuffixes.stream().anyMatch(path::endsWith);
  }

  /**
   * {@code path} with every link in it resolved inside {@code root}: an absolute target starts
   * again at the root, {@code ..} stops at it. Empty when a component is missing or the links loop.
   */
  static Optional<String> resolve(Path root, String path) {
    return new Walk(root).resolve(path);
  }

  /** One look at a root: what it resolved and listed, kept for the patterns that follow. */
  private static final class Walk {
    private final Path root;
    private final Map<String, Optional<String>> resolved = new HashMap<>();
    private final Map<String, List<Path>> listed = new HashMap<>();

    Walk(Path root) {
      this.root = root;
    }

    /** The paths (in the root's names, links not resolved) that a pattern's wildcards expand to. */
    List<String> matches(String pattern) {
      List<String> partial = List.of("");
      for (String component : pattern.substring(1).split("/")) {
        List<String> next = new ArrayList<>();
        for (String prefix : partial) {
          if (!component.contains("*")) {
            next.add(prefix + "/" + component);
            continue;
          }
          PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + component);
          for (Path name : list(prefix.isEmpty() ? "/" : prefix)) {
            if (glob.matches(name)) {
              next.add(prefix + "/" + name);
            }
          }
        }
        partial = next;
      }
      return partial;
    }

    /**
     * The names in a directory of the root's (links resolved inside it); none when it is no
     * directory.
     */
    private List<Path> list(String directory) {
      return listed.computeIfAbsent(
          directory,
          d -> {
            Optional<String> dir = resolve(d);
            if (dir.isEmpty()) {
              return List.of();
            }
            List<Path> names = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(under(root, dir.get()))) {
              for (Path entry : entries) {
                names.add(entry.getFileName());
              }
            } catch (IOException | RuntimeException e) {
              // no such directory here, or not one: nothing below it
            }
            return names;
          });
    }

    Optional<String> resolve(String path) {
      Optional<String> known = resolved.get(path);
      if (known == null) {
        known = resolveNow(path);
        resolved.put(path, known);
      }
      return known;
    }

    private Optional<String> resolveNow(String path) {
      List<String> done = new ArrayList<>();
      List<String> todo = new ArrayList<>(List.of(path.split("/")));
      int links = 0;
      while (!todo.isEmpty()) {
        String name = todo.remove(0);
        if (name.isEmpty() || name.equals(".")) {
          continue;
        }
        if (name.equals("..")) {
          if (!done.isEmpty()) {
            done.remove(done.size() - 1);
          }
          continue;
        }
        done.add(name);
        Path at = under(root, "/" + String.join("/", done));
        BasicFileAttributes attributes;
        try {
          attributes =
              Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
          return Optional.empty(); // missing
        }
        if (!attributes.isSymbolicLink()) {
          continue;
        }
        if (++links > MAX_LINKS) {
          return Optional.empty();
        }
        String target;
        try {
          target = Files.readSymbolicLink(at).toString();
        } catch (IOException | RuntimeException e) {
          return Optional.empty();
        }
        done.remove(done.size() - 1);
        if (target.startsWith("/")) {
          done.clear();
        }
        todo.addAll(0, List.of(target.split("/")));
      }
      return Optional.of("/" + String.join("/", done));
    }
  }

  /** An absolute path of the root's owner as the agent reaches it. */
  private static Path under(Path root, String absolute) {
    return absolute.equals("/") ? root : root.resolve(absolute.substring(1));
  }
}
