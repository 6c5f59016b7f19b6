package dev.dockward.agent.journal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Walks a journal from its oldest entry and checks that every entry's hash is the hash of the entry
 * before it and of its own JSON text ({@link HashChain}). One edited record shows as one break at
 * that record (the next one still chains to the hash stored with it); an edited record whose hash
 * was recomputed shows as a break at the record after it.
 *
 * <p>When retention deleted the oldest cycles it recorded a {@link ChainAnchor} first: the oldest
 * entry left must continue from it, and entries missing after it are a break. Without an anchor, an
 * oldest entry that does not chain to the genesis hash cannot be checked; the result says so.
 */
public final class ChainVerifier {
  /** One place where the chain does not hold. */
  public record Break(long index, String expected, String found, String reason) {}

  /**
   * What a walk found.
   *
   * @param entries entries read
   * @param firstIndex the oldest entry's index (-1 for an empty journal)
   * @param anchored whether the oldest entry's link was checked: it chains to the genesis hash, or
   *     to the hash retention recorded when it deleted the entries before it
   * @param trimmed whether retention deleted older entries (the chain then starts at its anchor)
   * @param unchained entries written before the chain existed (before the first chained entry)
   */
  public record Result(
      long entries,
      long firstIndex,
      boolean anchored,
      boolean trimmed,
      long unchained,
      List<Break> breaks) {
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
    boolean trimmed = false;
    boolean chainStarted = false;
    Optional<ChainAnchor> anchor;
    try {
      anchor = ChainAnchor.load(journal.dir());
    } catch (IOException e) {
      anchor = Optional.empty();
      breaks.add(new Break(-1, "a chain anchor", "unreadable", e.getMessage()));
    }
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
            breaks.add(
                new Break(
                    e.index(),
                    HashChain.hex(chain.next(previous, e.json())),
                    "none",
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
            // The oldest entry left: retention may have deleted its predecessors (and said so).
            Optional<Break> gap =
                anchor.isEmpty() ? Optional.empty() : checkAnchor(anchor.get(), e);
            anchored =
                anchor.isPresent() && anchor.get().firstIndex() == e.index() && gap.isEmpty();
            trimmed = anchor.isPresent();
            gap.ifPresent(breaks::add);
          } else {
            breaks.add(
                new Break(
                    e.index(),
                    HashChain.hex(expected),
                    HashChain.hex(found),
                    "hash does not match the previous entry's hash and this entry's text"));
          }
        }
        chainStarted = true;
        previous = found;
      }
    }
    return new Result(entries, first, anchored, trimmed, unchained, List.copyOf(breaks));
  }

  /** The oldest entry against retention's anchor: a break when it does not continue from it. */
  private Optional<Break> checkAnchor(ChainAnchor anchor, JournalEntry oldest) {
    if (anchor.firstIndex() < oldest.index()) {
      return Optional.of(
          new Break(
              oldest.index(),
              "oldest entry at index " + anchor.firstIndex(),
              "oldest entry at index " + oldest.index(),
              "entries after retention's anchor were removed"));
    }
    if (anchor.firstIndex() > oldest.index()) {
      return Optional.empty(); // retention anchored but did not delete (yet): the link is unknown
    }
    byte[] expected = chain.next(anchor.previousHash(), oldest.json());
    if (!Arrays.equals(expected, oldest.hash().orElseThrow())) {
      return Optional.of(
          new Break(
              oldest.index(),
              HashChain.hex(expected),
              HashChain.hex(oldest.hash().get()),
              "the oldest entry does not continue from retention's anchor"));
    }
    return Optional.empty();
  }
}
