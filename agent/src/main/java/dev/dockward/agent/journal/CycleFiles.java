package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's cycle files on disk, checked before Chronicle opens them. A cycle file starts with
 * its store's header document, the same bytes for every file this Chronicle version writes (a
 * length word, then {@code header} and {@code SCQStore} as wire text); a file that does not, or is
 * too short to hold one, was damaged (a crash while its first page was written, a full disk, a
 * hand). Chronicle would take it for an empty cycle and write into it, so it is moved into {@code
 * <journal>/damaged/} and kept for a responder.
 */
final class CycleFiles {
  private static final Logger log = LoggerFactory.getLogger(CycleFiles.class);
  private static final byte[] HEADER = "header".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STORE = "SCQStore".getBytes(StandardCharsets.US_ASCII);

  /**
   * Where the two names sit in the header document (checked against a file written here, in tests).
   */
  private static final int HEADER_AT = 6;

  private static final int STORE_AT = 14;

  /** Less than a page cannot hold a store's header and index. */
  private static final long MIN_BYTES = 4096;

  private CycleFiles() {}

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
          .sorted()
          .toList();
    }
  }

  /**
   * What is wrong with a cycle file's start, or empty when it looks like one this version wrote.
   */
  static Optional<String> damage(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < MIN_BYTES) {
        return Optional.of("only " + size + " bytes");
      }
      ByteBuffer head = ByteBuffer.allocate(STORE_AT + STORE.length);
      while (head.hasRemaining() && ch.read(head) > 0) {
        // read the whole header start
      }
      byte[] b = head.array();
      if (!matches(b, HEADER_AT, HEADER) || !matches(b, STORE_AT, STORE)) {
        return Optional.of("no store header at its start");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("unreadable: " + e.getMessage());
    }
  }

  private static boolean matches(byte[] b, int at, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (b[at + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** Moves every damaged cycle file aside; what was moved, and why, one line each. */
  static List<String> moveDamagedAside(Path dir) {
    List<String> moved = new ArrayList<>();
    try {
      for (Path file : list(dir)) {
        Optional<String> why = damage(file);
        if (why.isPresent()) {
          moved.add(moveAside(dir, file, why.get()));
        }
      }
    } catch (IOException e) {
      throw new JournalException("journal " + dir + ": cannot check its cycle files: " + e, e);
    }
    return moved;
  }

  /**
   * Moves {@code file} into {@code <dir>/damaged/}. The queue's metadata stays: Chronicle keeps the
   * range of cycles on disk there, and a rebuilt one would start at the first cycle written after.
   */
  static String moveAside(Path dir, Path file, String why) throws IOException {
    Path aside = Files.createDirectories(dir.resolve("damaged"));
    String stamp = Long.toString(System.currentTimeMillis());
    Path target = aside.resolve(file.getFileName() + "." + stamp);
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    String what = file.getFileName() + " moved to " + target + " (" + why + ")";
    log.error("journal {}: damaged cycle file {}; the agent goes on with the rest", dir, what);
    return what;
  }
}
