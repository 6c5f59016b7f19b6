package dev.dockward.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lists the bridges to capture on from {@code <sys>/class/net}: interfaces whose name matches one
 * of the configured globs ({@code docker0}, {@code br-*}: Docker names a user-defined bridge
 * network's device {@code br-<first 12 hex of the network id>}) and that are bridges (they have a
 * {@code bridge} directory). Rescanned periodically, so networks created and removed later are
 * followed; an interface vanishing mid-scan is skipped.
 */
final class BridgeScanner {
  private final Path classNet;
  private final List<PathMatcher> patterns;
  private long unreadable;

  BridgeScanner(Path sysRoot, List<String> globs) {
    this.classNet = sysRoot.resolve("class/net");
    this.patterns = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
  }

  /** The matching bridges now, by name, with their ifindex. */
  Map<String, Integer> scan() {
    Map<String, Integer> bridges = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(classNet)) {
      for (Path entry : entries) {
        Path name = entry.getFileName();
        if (patterns.stream().noneMatch(p -> p.matches(name)) || !Files.isDirectory(entry.resolve("bridge"))) {
          continue;
        }
        try {
          bridges.put(name.toString(), Integer.parseInt(Files.readString(entry.resolve("ifindex")).trim()));
        } catch (IOException | NumberFormatException e) {
          unreadable++; // removed between the listing and the read
        }
      }
    } catch (IOException e) {
      unreadable++;
    }
    return bridges;
  }

  long unreadable() {
    return unreadable;
  }
}
