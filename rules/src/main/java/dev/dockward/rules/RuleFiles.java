package dev.dockward.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds rule files: the defaults bundled in the jar, and files or directories on disk. */
public final class RuleFiles {
  /** Classpath folder of the bundled rules; its {@code index} file lists them, one a line. */
  static final String BUNDLED = "dev/dockward/rules/bundled/";

  /**
   * Rule files read from disk and the paths that could not be read.
   *
   * @param files readable files, in the order found
   * @param problems one per unreadable path (no line or column)
   */
  public record ReadResult(List<RuleFile> files, List<LoadProblem> problems) {
    /** Copies both lists. */
    public ReadResult {
      files = List.copyOf(files);
      problems = List.copyOf(problems);
    }
  }

  private RuleFiles() {}

  /**
   * The bundled default rules, with origins like {@code bundled/container.yaml}.
   *
   * @throws IllegalStateException when the jar is broken (index or a listed file missing): a
   *     packaging bug, not a user error
   */
  public static List<RuleFile> bundled() {
    List<RuleFile> out = new ArrayList<>();
    for (String line : resource(BUNDLED + "index").split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      out.add(new RuleFile("bundled/" + name, resource(BUNDLED + name)));
    }
    return out;
  }

  private static String resource(String name) {
    try (InputStream in = RuleFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("bundled rule resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads files and directories. A directory contributes its {@code *.yaml} and {@code *.yml} files
   * (not recursing), sorted by name; a file is read whatever its name.
   */
  public static ReadResult read(List<Path> paths) {
    List<RuleFile> files = new ArrayList<>();
    List<LoadProblem> problems = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> entries = Files.list(path)) {
          for (Path file : entries.filter(RuleFiles::isYaml).sorted().toList()) {
            readOne(file, problems).ifPresent(files::add);
          }
        } catch (IOException | UncheckedIOException e) {
          problems.add(unreadable(path, e));
        }
      } else {
        readOne(path, problems).ifPresent(files::add);
      }
    }
    return new ReadResult(files, problems);
  }

  private static boolean isYaml(Path path) {
    String name = path.getFileName().toString();
    return (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(path);
  }

  private static Optional<RuleFile> readOne(Path path, List<LoadProblem> problems) {
    try {
      byte[] bytes = Files.readAllBytes(path);
      // Strict decoding: a file that is not UTF-8 is reported, not silently mangled.
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return Optional.of(new RuleFile(path.toString(), text));
    } catch (CharacterCodingException e) {
      problems.add(
          new LoadProblem(
              path.toString(),
              0,
              0,
              Optional.empty(),
              LoadProblem.Level.ERROR,
              "cannot read: not UTF-8 text"));
    } catch (IOException e) {
      problems.add(unreadable(path, e));
    }
    return Optional.empty();
  }

  private static LoadProblem unreadable(Path path, Exception e) {
    String reason =
        e.getMessage() == null
            ? e.getClass().getSimpleName()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new LoadProblem(
        path.toString(), 0, 0, Optional.empty(), LoadProblem.Level.ERROR, "cannot read: " + reason);
  }
}
