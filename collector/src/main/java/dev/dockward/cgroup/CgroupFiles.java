package dev.dockward.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the kernel's cgroup file formats. A missing, unreadable or garbage file gives empty and is
 * counted (and logged once per kind of problem), so "unknown" never looks like 0.
 */
final class CgroupFiles {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupFiles.class);

  /**
   * Larger than any cgroup file the readers ask for; a bigger one is not what the kernel writes.
   */
  private static final int MAX_FILE_BYTES = 1 << 20;

  private final CgroupReadStats stats;
  private byte[] buffer = new byte[4096];
  private final AtomicBoolean loggedMissing = new AtomicBoolean();
  private final AtomicBoolean loggedUnreadable = new AtomicBoolean();
  private final AtomicBoolean loggedGarbage = new AtomicBoolean();

  CgroupFiles(CgroupReadStats stats) {
    this.stats = stats;
  }

  CgroupReadStats stats() {
    return stats;
  }

  /** A file holding one non-negative integer, e.g. {@code memory.usage_in_bytes}. */
  OptionalLong number(Path file) {
    Optional<String> text = text(file);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    return parse(file, text.get().strip());
  }

  /**
   * A file holding one integer that may be negative: v1 {@code cpu.cfs_quota_us} writes -1 for no
   * quota.
   */
  OptionalLong signedNumber(Path file) {
    Optional<String> text = text(file);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong value = parseSigned(text.get().strip());
    if (value.isEmpty()) {
      garbage(file, text.get().strip());
    }
    return value;
  }

  /** A limit file: an integer, or {@code max} for none (empty, and not a problem). */
  OptionalLong limit(Path file) {
    Optional<String> text = text(file);
    if (text.isEmpty() || text.get().strip().equals("max")) {
      return OptionalLong.empty();
    }
    return parse(file, text.get().strip());
  }

  /** A flat-keyed file, {@code key value} per line ({@code cpu.stat}, {@code memory.events}, …). */
  Optional<Map<String, Long>> keyed(Path file) {
    Optional<String> text = text(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> out = new HashMap<>();
    for (String line : text.get().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] kv = fields(line);
      OptionalLong value = kv.length == 2 ? parseQuietly(kv[1]) : OptionalLong.empty();
      if (value.isEmpty()) {
        garbage(file, line);
        return Optional.empty();
      }
      out.put(kv[0], value.getAsLong());
    }
    if (out.isEmpty()) {
      garbage(file, "(empty)");
      return Optional.empty();
    }
    return Optional.of(out);
  }

  /** One key of a keyed file; a key the file lacks counts as missing. */
  OptionalLong key(Optional<Map<String, Long>> keyed, String key) {
    if (keyed.isEmpty()) {
      return OptionalLong.empty();
    }
    Long value = keyed.get().get(key);
    if (value == null) {
      stats.countMissing();
      return OptionalLong.empty();
    }
    return OptionalLong.of(value);
  }

  /** One key that the kernel writes only in some configurations: its absence is no problem. */
  static OptionalLong optionalKey(Optional<Map<String, Long>> keyed, String key) {
    Long value = keyed.isEmpty() ? null : keyed.get().get(key);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /**
   * A file the kernel writes only in some configurations ({@code io.max}): its absence is no
   * problem.
   */
  Optional<String> textIfPresent(Path file) {
    return Files.exists(file) ? text(file) : Optional.empty();
  }

  /**
   * A file holding one non-negative integer, empty on any problem, which is not counted: for a
   * quick look that, when it fails, is followed by a full read that counts what is wrong.
   */
  synchronized OptionalLong numberQuietly(Path file) {
    try {
      return parseQuietly(read(file).strip());
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** As {@link #numberQuietly}, for the value of {@code key} in a flat-keyed file. */
  synchronized OptionalLong keyQuietly(Path file, String key) {
    try {
      for (String line : read(file).split("\n")) {
        String[] kv = fields(line);
        if (kv.length == 2 && kv[0].equals(key)) {
          return parseQuietly(kv[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // empty below
    }
    return OptionalLong.empty();
  }

  /** The whole file through the reused buffer. */
  private String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      int n = 0;
      int r;
      while ((r = in.read(buffer, n, buffer.length - n)) > 0) {
        n += r;
        if (n == buffer.length) {
          if (buffer.length >= MAX_FILE_BYTES) {
            throw new IOException("longer than " + MAX_FILE_BYTES + " bytes");
          }
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      for (int i = 0; i < n; i++) {
        if (buffer[i] < 0) {
          throw new IOException("non-ASCII byte at offset " + i);
        }
      }
      return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The whole file, or empty (counted) when it is missing or unreadable (non-ASCII bytes included).
   * Read through one reused buffer: cgroupfs and procfs report every file's size as 0, so {@code
   * Files.readString} would allocate 8 KiB per file, thousands of times a second.
   */
  synchronized Optional<String> text(Path file) {
    try {
      return Optional.of(read(file));
    } catch (NoSuchFileException e) {
      stats.countMissing();
      if (loggedMissing.compareAndSet(false, true)) {
        LOG.warn(
            "cgroup file {} is missing; such figures are left out (further cases only counted)",
            file);
      }
    } catch (IOException | RuntimeException e) {
      // RuntimeException: whatever the file system throws, a read must never end the sampler.
      stats.countUnreadable();
      if (loggedUnreadable.compareAndSet(false, true)) {
        LOG.warn(
            "cgroup file {} cannot be read ({}); further cases only counted", file, e.toString());
      }
    }
    return Optional.empty();
  }

  void garbage(Path file, String what) {
    stats.countParseError();
    if (loggedGarbage.compareAndSet(false, true)) {
      LOG.warn(
          "cgroup file {} holds what the kernel does not write: '{}'; further cases only counted",
          file,
          what.length() > 80 ? what.substring(0, 80) + "…" : what);
    }
  }

  private OptionalLong parse(Path file, String text) {
    OptionalLong value = parseQuietly(text);
    if (value.isEmpty()) {
      garbage(file, text);
    }
    return value;
  }

  /**
   * The whitespace-separated fields of a line (none for a blank one). By hand rather than with a
   * regular expression: it runs on every line of every file of every container, every second.
   */
  static String[] fields(String line) {
    int count = 0;
    for (int i = skipBlanks(line, 0); i < line.length(); i = skipBlanks(line, skipField(line, i))) {
      count++;
    }
    String[] out = new String[count];
    int k = 0;
    for (int i = skipBlanks(line, 0); i < line.length(); ) {
      int end = skipField(line, i);
      out[k++] = line.substring(i, end);
      i = skipBlanks(line, end);
    }
    return out;
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && isBlank(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipField(String s, int i) {
    while (i < s.length() && !isBlank(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** What {@code \s} matches in a regular expression. */
  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  /**
   * A counter, gauge or limit as the kernel writes them: never negative, so a negative one is
   * garbage (and would otherwise become a negative figure or rate).
   */
  static OptionalLong parseQuietly(String text) {
    OptionalLong value = parseSigned(text);
    return value.isPresent() && value.getAsLong() < 0 ? OptionalLong.empty() : value;
  }

  private static OptionalLong parseSigned(String text) {
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
