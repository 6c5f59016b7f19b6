package dev.dockward.agent.journal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Walks a journal from its oldest entry and checks that every entry's hash is the hash of the
 * entry before it and of its own JSON text ({@link HashChain}). One edited record shows as one
 * break at that record (the next one still chains to the hash stored with it); an edited record
 * whose hash was recomputed shows as a break at the record after it.
 *
 * <p>The oldest entry that retention kept cannot be checked against the entries it deleted: when
 * it does not chain to the genesis hash, the walk starts from the hash stored with it, and the
 * result says so.
 */
public final class ChainVerifier {
  /** One place where the chain does not hold. */
  public record Break(long index, String expected, String found, String reason) {}

  /**
   * What a walk found.
   *
   * @param entries entries read
   * @param firstIndex the oldest entry's index (-1 for an empty journal)
   * @param anchored whether the oldest entry chains to the genesis hash (false: older entries were
   *     removed, or it was edited; its own link cannot be checked)
   * @param unchained entries written before the chain existed (before the first chained entry)
   */
  public record Result(long entries, long firstIndex, boolean anchored, long unchained, List<Break> breaks) {
    public boolean intact() {
      return breaks.isEmpty();
    }
  }

  private final HashChain chain = new HashChain();

  /** Verifies the whole journal. */
  public Result verify(ChronicleJournal journal) {
    List<Break> breaks = new ArrayList<>();
    long entries = 0;
    long unchained = 0;
    long first = -1;
    boolean anchored = true;
    boolean chainStarted = false;
    byte[] previous = HashChain.GENESIS;
    try (JournalCursor cursor = journal.fromStart()) {
      Optional<JournalEntry> next;
      while ((next = cursor.nextEntry()).isPresent()) {
        JournalEntry e = next.get();
        entries++;
        if (first < 0) {
          first = e.index();
        }
        if (e.hash().isEmpty()) {
          if (chainStarted) {
            breaks.add(new Break(e.index(), HashChain.hex(chain.next(previous, e.json())), "none",
                "entry has no hash inside a chained journal"));
          } else {
            unchained++;
          }
          continue;
        }
        byte[] expected = chain.next(previous, e.json());
        byte[] found = e.hash().get();
        if (!Arrays.equals(expected, found)) {
          if (!chainStarted) {
            // The oldest entry left: its predecessor may have been removed by retention.
            anchored = false;
          } else {
            breaks.add(new Break(e.index(), HashChain.hex(expected), HashChain.hex(found),
                "hash does not match the previous entry's hash and this entry's text"));
          }
        }
        chainStarted = true;
        previous = found;
      }
    }
    return new Result(entries, first, anchored, unchained, List.copyOf(breaks));
  }
}
