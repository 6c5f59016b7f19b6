package dev.dockward.agent.journal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Record ids: {@code <host prefix>-<16 hex run epoch><16 hex sequence>}, 32 lower-case hex digits
 * after the dash. The epoch is drawn at random once per agent start; the sequence counts from 1
 * within that run, so ids of one run sort in the order they were issued.
 *
 * <p>Why a random epoch and nothing persisted: ids must stay unique per host after a power cut that
 * lost the journal's unsynced tail (records already shipped to Kafka) and after a purge and
 * reinstall that deleted the journal, because consumers drop duplicates by {@code id}.
 *
 * <ul>
 *   <li>Resuming after the journal's newest record (what ids did before) survives neither: the lost
 *       or deleted records' ids are issued again.
 *   <li>An fsynced high-water mark survives a power cut but not a reinstall, which deletes it with
 *       the journal; and it costs an fsync per block of ids.
 *   <li>An epoch from the wall clock needs a clock that never repeats; hosts without a working
 *       real-time clock come back from a power cut at an old time.
 *   <li>64 random bits from {@link SecureRandom} per start need no state, no fsync and no clock.
 *       Two runs of a host share an epoch with probability 2<sup>-64</sup>; a million restarts put
 *       the chance of any repeat near 3·10<sup>-8</sup>.
 * </ul>
 *
 * A new journal is only ever created by an agent start, so the epoch changes with it too. The price
 * is that ids order records only within a run; across runs, the journal's order and {@code time}
 * do.
 *
 * <p>Replay's re-judged alerts use the fixed prefix {@code 000000000000} with epoch 0, so a rerun
 * prints the same ids every time and never one of a real host.
 */
public final class RecordIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** {@code <prefix>-<epoch>}, copied in front of every sequence number. */
  private final char[] head;

  private final AtomicLong next;

  /**
   * Ids with a given epoch, the sequence starting at {@code next}.
   *
   * @param prefix the host prefix (lower-case hex)
   * @param epoch the run's epoch, written as 16 hex digits
   * @param next the first sequence number, written as 16 hex digits
   */
  public RecordIds(String prefix, long epoch, long next) {
    head = new char[prefix.length() + 17];
    prefix.getChars(0, prefix.length(), head, 0);
    head[prefix.length()] = '-';
    writeHex(epoch, head, head.length);
    this.next = new AtomicLong(next);
  }

  /** The ids of a new agent run: a fresh random epoch, the sequence from 1. */
  public static RecordIds forNewRun(String prefix) {
    return forNewRun(prefix, new SecureRandom());
  }

  static RecordIds forNewRun(String prefix, RandomGenerator random) {
    return new RecordIds(prefix, random.nextLong(), 1);
  }

  /** What every id of this run starts with: {@code <host prefix>-<16 hex epoch>}. */
  public String runPrefix() {
    return new String(head);
  }

  public String next() {
    // Hand-formatted: String.format cost more than the rest of an event's journal append.
    char[] id = new char[head.length + 16];
    System.arraycopy(head, 0, id, 0, head.length);
    writeHex(next.getAndIncrement(), id, id.length);
    return new String(id);
  }

  /** Writes {@code n} as 16 hex digits ending just before {@code end}. */
  private static void writeHex(long n, char[] to, int end) {
    for (int i = end - 1; i >= end - 16; i--) {
      to[i] = HEX[(int) (n & 0xf)];
      n >>>= 4;
    }
  }
}
