package dev.dockward.agent.ship;

import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint in one small text file, {@code dockward-checkpoint 1 <index> <crc32>}. Writes go to
 * a temporary file that is synced and then renamed over the old one, so a crash leaves either the
 * old or the new checkpoint, never half of one. A file that is missing reads as no checkpoint; a
 * file that does not parse or whose checksum does not match is reported and also reads as no
 * checkpoint, so the shipper starts again from the oldest record (duplicates, never a gap).
 */
public final class FileCheckpoint implements Checkpoint {
  private static final Logger log = LoggerFactory.getLogger(FileCheckpoint.class);
  private static final Pattern LINE =
      Pattern.compile("dockward-checkpoint 1 (-?[0-9]+) ([0-9a-f]{8})\n?");

  private final Path file;
  private final DurableFile files;

  /** A checkpoint in {@code file}, written through {@code files}. */
  public FileCheckpoint(Path file, DurableFile files) {
    this.file = file;
    this.files = files;
  }

  /**
   * A checkpoint in {@code file} (tools and tests: its directory-sync failures are logged, not
   * exported).
   */
  public FileCheckpoint(Path file) {
    this(file, new DurableFile());
  }

  /** The checkpoint of the sink called {@code sink} for the journal in {@code journalDir}. */
  public static FileCheckpoint forSink(Path journalDir, String sink) {
    return new FileCheckpoint(journalDir.resolve(sink + ".checkpoint"));
  }

  /**
   * As {@link #forSink(Path, String)}, written through the journal's files (counted in its
   * metrics).
   */
  public static FileCheckpoint forSink(ChronicleJournal journal, String sink) {
    return new FileCheckpoint(journal.dir().resolve(sink + ".checkpoint"), journal.files());
  }

  public Path file() {
    return file;
  }

  @Override
  public OptionalLong load() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      log.warn(
          "checkpoint {} cannot be read ({}); shipping starts from the oldest journalled record",
          file,
          e.toString());
      return OptionalLong.empty();
    }
    Matcher m = LINE.matcher(text);
    if (m.matches()) {
      String index = m.group(1);
      if (crc(index).equals(m.group(2))) {
        return OptionalLong.of(Long.parseLong(index));
      }
    }
    log.warn(
        "checkpoint {} is corrupt; shipping starts from the oldest journalled record (duplicates, no gap)",
        file);
    return OptionalLong.empty();
  }

  @Override
  public void store(long index) throws IOException {
    String body = Long.toString(index);
    files.replace(
        file,
        ("dockward-checkpoint 1 " + body + " " + crc(body) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
  }

  private static String crc(String s) {
    CRC32 crc = new CRC32();
    crc.update(s.getBytes(StandardCharsets.US_ASCII));
    return String.format("%08x", crc.getValue());
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
