package dev.dockward.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/ name only types and packages that exist: a backticked {@code CamelCase} name
 * (two humps or more) must be a type declared in the repository's Java sources, or one of the
 * outside names listed here; a {@code dev.dockward…} package or type must exist. A rename that
 * leaves the docs behind fails here.
 */
class DocNamesTest {
  /** Names from outside the code base that the docs quote: JDK, libraries, systemd, /proc. */
  private static final Set<String> OUTSIDE =
      Set.of(
          "AutoComplete",
          "FileConfigProvider",
          "FileStore",
          "HostConfig",
          "ImmutableMap",
          "LinkedHashMap",
          "MemTotal",
          "MemoryDenyWriteExecute",
          "PrivateTmp",
          "ProtectSystem",
          "RestrictAddressFamilies",
          "RestrictNamespaces",
          "RssAnon",
          "RssFile",
          "RssShmem",
          "SystemCallFilter",
          "ThreadMXBean",
          "VmHWM");

  private static final Pattern BACKTICKED =
      Pattern.compile("`([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)(?:[.#(][^`]*)?`");
  private static final Pattern QUALIFIED =
      Pattern.compile("\\bdev\\.dockward((?:\\.[a-z]\\w*)+)(?:\\.([A-Z]\\w*))?");
  private static final Pattern DECLARED =
      Pattern.compile("\\b(?:class|record|interface|enum)\\s+([A-Z]\\w*)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

  @Test
  void docsNameOnlyTypesAndPackagesThatExist() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Set<String> types = new HashSet<>();
    Set<String> qualified = new HashSet<>();
    Set<String> packages = new HashSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path java :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !root.relativize(p).toString().contains("target/"))
              .toList()) {
        String text = Files.readString(java, StandardCharsets.UTF_8);
        String simple = java.getFileName().toString().replace(".java", "");
        types.add(simple);
        Matcher declared = DECLARED.matcher(text);
        while (declared.find()) {
          types.add(declared.group(1));
        }
        Matcher pkg = PACKAGE.matcher(text);
        if (pkg.find()) {
          packages.add(pkg.group(1));
          qualified.add(pkg.group(1) + "." + simple);
        }
      }
    }
    assertTrue(types.contains("DocNamesTest"), "the sources were found under " + root);

    List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<String> unknown = new ArrayList<>();
    for (Path doc : docs) {
      List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String where = root.relativize(doc) + ":" + (i + 1) + ": ";
        Matcher name = BACKTICKED.matcher(lines.get(i));
        while (name.find()) {
          if (!types.contains(name.group(1)) && !OUTSIDE.contains(name.group(1))) {
            unknown.add(where + name.group(1));
          }
        }
        Matcher fq = QUALIFIED.matcher(lines.get(i));
        while (fq.find()) {
          String pkg = "dev.dockward" + fq.group(1);
          boolean known =
              fq.group(2) == null
                  ? packages.contains(pkg)
                  : qualified.contains(pkg + "." + fq.group(2));
          if (!known) {
            unknown.add(where + fq.group());
          }
        }
      }
    }
    assertEquals(
        List.of(),
        unknown,
        "names in the docs that match no type or package (renamed? or add an"
            + " outside name to OUTSIDE)");
  }
}
