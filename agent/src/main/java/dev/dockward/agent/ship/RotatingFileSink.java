package dev.dockward.agent.ship;

import java.io.ByteArrayOutputStream;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Records in a local file, one per line (JSON or a short text line), rotated by size: when the next
 * line would take the file past {@code maxBytes}, {@code path} becomes {@code path.1}, the older
 * {@code path.N} move up by one, and no more than {@code maxFiles} rotated files are kept.
 *
 * <p>A line counts as delivered only after it was written and forced to disk ({@link #flush}, which
 * the shipper calls whenever it has nothing else to do, and before every rotation): the shipper's
 * checkpoint never gets ahead of what the file holds, even across a power cut. A write that fails
 * (disk full, the directory removed) fails its lines; the shipper sends them again later, so a line
 * may appear twice in the file, never not at all.
 */
public final class RotatingFileSink implements Sink {
  /** The sink's name, and so its checkpoint's ({@code file.checkpoint}). */
  public static final String NAME = "file";

  private static final int WRITE_AT = 64 * 1024;

  private final Path path;
  private final long maxBytes;
  private final int maxFiles;
  private final OutputFormat format;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final List<CompletableFuture<Void>> pending = new ArrayList<>();
  private FileChannel channel;
  private long size;

  /**
   * @param maxBytes the size past which the file is rotated (a single longer line is written whole)
   * @param maxFiles rotated files kept besides the current one (0: the file is truncated instead)
   */
  public RotatingFileSink(Path path, long maxBytes, int maxFiles, OutputFormat format) {
    if (maxBytes <= 0 || maxFiles < 0) {
      throw new IllegalArgumentException("maxBytes must be positive and maxFiles at least 0");
    }
    this.path = path;
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    this.format = format;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<Void> send(String json, Map<String, Object> record) {
    byte[] line =
        ((format == OutputFormat.JSONL ? json : TextLine.of(record)) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    try {
      if (channel == null) {
        open();
      }
      if (size + buffer.size() > 0 && size + buffer.size() + line.length > maxBytes) {
        flush();
        rotate();
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    buffer.writeBytes(line);
    CompletableFuture<Void> done = new CompletableFuture<>();
    pending.add(done);
    if (buffer.size() >= WRITE_AT) {
      try {
        writeBuffer();
      } catch (IOException e) {
        failPending(e);
      }
    }
    return done;
  }

  private void open() throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  private void writeBuffer() throws IOException {
    if (buffer.size() == 0) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
    buffer.reset();
    while (bytes.hasRemaining()) {
      size += channel.write(bytes);
    }
  }

  /** Writes what is buffered, forces it to disk, then acknowledges its lines. */
  @Override
  public void flush() throws IOException {
    if (pending.isEmpty() && buffer.size() == 0) {
      return;
    }
    try {
      if (channel == null) {
        open();
      }
      writeBuffer();
      channel.force(false);
    } catch (IOException e) {
      failPending(e);
      throw e;
    }
    for (CompletableFuture<Void> f : pending) {
      f.complete(null);
    }
    pending.clear();
  }

  /** Lines not known to be on disk are not delivered: drop them and reopen on the next send. */
  private void failPending(IOException e) {
    buffer.reset();
    for (CompletableFuture<Void> f : pending) {
      f.completeExceptionally(e);
    }
    pending.clear();
    closeChannel();
  }

  private void rotate() throws IOException {
    closeChannel();
    if (maxFiles == 0) {
      Files.deleteIfExists(path);
    } else {
      Files.deleteIfExists(rotated(maxFiles));
      for (int i = maxFiles - 1; i >= 1; i--) {
        if (Files.exists(rotated(i))) {
          Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.move(path, rotated(1), StandardCopyOption.ATOMIC_MOVE);
    }
    open();
  }

  private Path rotated(int n) {
    return path.resolveSibling(path.getFileName() + "." + n);
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing after a failed write: the lines were already failed.
      }
      channel = null;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      closeChannel();
    }
  }
}
