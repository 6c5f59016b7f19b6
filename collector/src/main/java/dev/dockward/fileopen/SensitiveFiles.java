package dev.dockward.fileopen;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
   * Password hashes, sudo rules, SSH host and user private keys, Docker and Kubernetes secrets,
   * cloud and cluster credentials.
   */
  public static final SensitiveFiles DEFAULT = new SensitiveFiles(List.of(
      "/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers",
      "/etc/ssh/ssh_host_*_key",
      "/root/.ssh/id_*", "/home/*/.ssh/id_*",
      "/run/secrets/*", "/run/secrets/kubernetes.io/serviceaccount/token",
      "/var/run/secrets/kubernetes.io/serviceaccount/token",
      "/root/.aws/credentials", "/home/*/.aws/credentials",
      "/root/.kube/config", "/home/*/.kube/config",
      "/root/.docker/config.json", "/home/*/.docker/config.json",
      "/root/.config/gcloud/credentials.db", "/home/*/.config/gcloud/credentials.db",
      "/root/.azure/accessTokens.json", "/home/*/.azure/accessTokens.json",
      "/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf", "/etc/kubernetes/pki/*.key"),
      List.of(".pub"));

  /** Links followed in one path at most, as the kernel's own limit of nested links. */
  private static final int MAX_LINKS = 40;

  /** A sensitive file found: its path as the root's owner names it, and where the agent reaches it. */
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

  /** The regular files under {@code root} that the patterns name, each once, in pattern order. */
  public List<Found> expand(Path root) {
    Objects.requireNonNull(root, "root");
    List<Found> out = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (String pattern : patterns) {
      for (String path : matches(root, pattern)) {
        Optional<String> real = resolve(root, path);
        if (real.isEmpty() || seen.contains(real.get()) || excluded(real.get())) {
          continue;
        }
        Path file = under(root, real.get());
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          seen.add(real.get());
          out.add(new Found(real.get(), file));
        }
      }
    }
    return out;
  }

  private boolean excluded(String path) {
    return excludedSuffixes.stream().anyMatch(path::endsWith);
  }

  /** The paths (in the root's names, links not resolved) that a pattern's wildcards expand to. */
  private static List<String> matches(Path root, String pattern) {
    List<String> partial = List.of("");
    for (String component : pattern.substring(1).split("/")) {
      List<String> next = new ArrayList<>();
      for (String prefix : partial) {
        if (!component.contains("*")) {
          next.add(prefix + "/" + component);
          continue;
        }
        Optional<String> dir = resolve(root, prefix.isEmpty() ? "/" : prefix);
        if (dir.isEmpty()) {
          continue;
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + component);
        try (DirectoryStream<Path> names = Files.newDirectoryStream(under(root, dir.get()))) {
          for (Path name : names) {
            if (glob.matches(name.getFileName())) {
              next.add(prefix + "/" + name.getFileName());
            }
          }
        } catch (IOException | RuntimeException e) {
          // no such directory here, or not one: nothing below it
        }
      }
      partial = next;
    }
    return partial;
  }

  /**
   * {@code path} with every link in it resolved inside {@code root}: an absolute target starts
   * again at the root, {@code ..} stops at it. Empty when a component is missing or the links loop.
   */
  static Optional<String> resolve(Path root, String path) {
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
      if (!Files.isSymbolicLink(at)) {
        if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
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

  /** An absolute path of the root's owner as the agent reaches it. */
  private static Path under(Path root, String absolute) {
    return absolute.equals("/") ? root : root.resolve(absolute.substring(1));
  }
}
