package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash leaves either its old or its new content, never part of
 * one: the content goes to a temporary sibling, is forced to disk, and is renamed over the file.
 */
public final class DurableFile {
  private DurableFile() {}

  /**
   * Writes {@code content} as the whole of {@code file}, through {@code .<name>.tmp} beside it.
   *
   * @throws IOException when it cannot be written, or not replaced atomically (never a torn write)
   */
  public static void replace(Path file, byte[] content) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
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
      // Same directory, so this does not happen on a local file system; never fall back to a torn write.
      throw new IOException("cannot replace " + file + " atomically", e);
    }
  }
}
