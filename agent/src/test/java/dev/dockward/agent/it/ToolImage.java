package dev.dockward.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An offline image with host programs in it, the way an attacker brings tools into a container:
 * busybox plus each program and the shared libraries {@code ldd} names for it (TESTING.md: Debian's
 * docker client needs only libc and the loader). Built with {@code docker import}; {@link #remove}
 * deletes it.
 */
public final class ToolImage {
  private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[^\\s]*)");

  private final String tag;

  private ToolImage(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }

  /**
   * Builds an image holding busybox (with sh, sleep, cat, ln, cp) and {@code programs} at the same
   * paths.
   */
  public static ToolImage build(String name, List<String> programs)
      throws IOException, InterruptedException {
    return build(name, programs, Map.of());
  }

  /**
   * The same, plus {@code extra} files copied as they are (a static program needs no libraries) to
   * the absolute paths they map to.
   */
  public static ToolImage build(String name, List<String> programs, Map<Path, String> extra)
      throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("dockward-tool-image");
    try {
      for (String dir : List.of("bin", "tmp", "etc")) {
        Files.createDirectories(root.resolve(dir));
      }
      Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
      for (String applet : List.of("sh", "sleep", "cat", "ln", "cp", "ls")) {
        Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
      }
      Set<String> files = new LinkedHashSet<>();
      for (String program : programs) {
        files.add(program);
        files.addAll(libraries(program));
      }
      for (String file : files) {
        Path target = root.resolve(file.substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(Path.of(file).toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
      }
      for (Map.Entry<Path, String> f : extra.entrySet()) {
        Path target = root.resolve(f.getValue().substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(
            f.getKey(),
            target,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.COPY_ATTRIBUTES);
      }
      String tag = "dockward/" + name + ":" + UUID.randomUUID().toString().substring(0, 8);
      run(
          List.of(
              "/bin/sh",
              "-c",
              "tar -C '" + root + "' -c . | " + DockerCli.DOCKER + " import - " + tag));
      return new ToolImage(tag);
    } finally {
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The libraries {@code ldd} resolves for a program, loader included. */
  private static List<String> libraries(String program) throws IOException, InterruptedException {
    List<String> libs = new ArrayList<>();
    Matcher m = LIBRARY.matcher(run(List.of("ldd", program)));
    while (m.find()) {
      libs.add(m.group(1));
    }
    return libs;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(command + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  public void remove() throws IOException, InterruptedException {
    run(List.of(DockerCli.DOCKER, "rmi", "-f", tag));
  }
}
