package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces small files so that a crash leaves either the old or the new content, never part of one,
 * and a power cut does not undo the replacement: the content goes to a temporary sibling, is forced
 * to disk and renamed over the file, then the directory is forced so that the rename itself is on
 * disk (without that, a power cut can bring back an old checkpoint or lose a new file).
 *
 * <p>Some file systems refuse to force a directory. The file is still replaced (its content is on
 * disk, only the rename may be lost to a power cut); each refusal is counted ({@link
 * #directoriesNotSynced()}) and the first is logged.
 */
public final class DurableFile {
  private static final Logger log = LoggerFactory.getLogger(DurableFile.class);

  /** Forces a directory's entries to disk; the seam tests use to see the attempt and to refuse. */
  @FunctionalInterface
  interface DirectorySync {
    void force(Path dir) throws IOException;
  }

  private final DirectorySync directorySync;
  private final AtomicLong notSynced = new AtomicLong();

  /** Files on the local file system, directories forced with fsync. */
  public DurableFile() {
    this(DurableFile::fsyncDirectory);
  }

  DurableFile(DirectorySync directorySync) {
    this.directorySync = directorySync;
  }

  /**
   * Writes {@code content} as the whole of {@code file}, through {@code .<name>.tmp} beside it.
   *
   * @throws IOException when it cannot be written, or not replaced atomically (never a torn write)
   */
  public void replace(Path file, byte[] content) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so this does not happen on a local file system; never fall back to a torn
      // write.
      throw new IOException("cannot replace " + file + " atomically", e);
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      directorySync.force(dir);
    } catch (IOException e) {
      // The new content is in place and on disk; only the rename may not survive a power cut.
      if (notSynced.incrementAndGet() == 1) {
        log.warn(
            "cannot force directory {} to disk after replacing {} ({}); a power cut may bring back the "
                + "previous file. Counted in dockward_journal_directory_sync_failures_total; logged once",
            dir,
            file.getFileName(),
            e.toString());
      }
    }
  }

  /** Replacements whose directory could not be forced to disk. */
  public long directoriesNotSynced() {
    return notSynced.get();
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
