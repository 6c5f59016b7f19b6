package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalPretoucherTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;

  private static void await(BooleanSupplier done, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not within 30 s: " + what);
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  /** A sparse file of {@code size} bytes with a marker written at {@code at}. */
  private Path sparse(String name, long size, long at, byte[] marker) throws Exception {
    Path file = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
      f.seek(at);
      f.write(marker);
    }
    return file;
  }

  private static byte[] read(Path file, long at, int length) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] b = new byte[length];
      f.seek(at);
      f.readFully(b);
      return b;
    }
  }

  @Test
  void readsAheadOfTheWriterWithinTheFileAndChangesNothing() throws Exception {
    byte[] marker = "written by the journal".getBytes();
    Path file = sparse("a.cq4", 100 * MIB, 3 * MIB + 7, marker);
    try (JournalPretoucher p = new JournalPretoucher()) {
      p.appended(file, 0);
      await(() -> p.bytesRead() >= JournalPretoucher.AHEAD, "64 MiB read ahead of position 0");
      assertEquals(
          JournalPretoucher.AHEAD, p.bytesRead(), "no further than AHEAD beyond the writer");

      // The writer jumped to 90 MiB: from there to the file's end and not beyond it (what it
      // passed is not read any more).
      p.appended(file, 90 * MIB);
      await(() -> p.bytesRead() >= 74 * MIB, "the file read to its end");
      assertEquals(74 * MIB, p.bytesRead(), "nothing read twice, nothing beyond the end");
      assertEquals(0, p.failures());
    }
    assertEquals(100 * MIB, Files.size(file), "the file is not extended");
    assertArrayEquals(marker, read(file, 3 * MIB + 7, marker.length), "the data is untouched");
  }

  @Test
  void aNewCycleFileIsReadFromTheWritersPositionInIt() throws Exception {
    Path first = sparse("1.cq4", 8 * MIB, 0, new byte[] {1});
    Path second = sparse("2.cq4", 16 * MIB, 0, new byte[] {2});
    try (JournalPretoucher p = new JournalPretoucher()) {
      p.appended(first, 0);
      await(() -> p.bytesRead() >= 8 * MIB, "the first file");
      p.appended(second, 4 * MIB);
      await(() -> p.bytesRead() >= 8 * MIB + 12 * MIB, "the second file from 4 MiB on");
      assertEquals(20 * MIB, p.bytesRead());
    }
  }

  @Test
  void aFileThatCannotBeOpenedIsCountedAndTheWriterIsNotDisturbed() throws Exception {
    Path missing = dir.resolve("gone.cq4");
    try (JournalPretoucher p = new JournalPretoucher()) {
      p.appended(missing, 0);
      await(() -> p.failures() == 1, "the failure counted");
      Path next = sparse("next.cq4", 2 * MIB, 0, new byte[] {1});
      p.appended(next, 0);
      await(() -> p.bytesRead() >= 2 * MIB, "the next file read");
      assertEquals(1, p.failures());
    }
  }
}
