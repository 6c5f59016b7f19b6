package dev.dockward.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code for:} state of one rule: per key (the container id; {@code ""} for the host), since
 * when the condition has held without a break and whether this episode has fired. Time is the
 * events' own time, so a replayed journal gives the same alerts as the live run. Bounded: a stopped
 * container is forgotten, and beyond {@link #MAX_KEYS} the least recently seen key goes.
 */
final class HoldTracker {
  /** Evidence a {@code for:} rule's alert carries, usable in its output template. */
  static final List<String> EVIDENCE = List.of("held_since", "held_seconds");

  static final int MAX_KEYS = 10_000;

  private final Duration holdFor;
  private final Map<String, Episode> episodes =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Episode> eldest) {
          return size() > MAX_KEYS;
        }
      };

  /** A run of events on which the condition held. */
  private static final class Episode {
    final Instant since;
    boolean fired;

    Episode(Instant since) {
      this.since = since;
    }
  }

  HoldTracker(Duration holdFor) {
    this.holdFor = holdFor;
  }

  /**
   * Feeds one evaluation of the condition for {@code key} at event time {@code time}.
   *
   * @return the start of the episode when the rule fires now: the condition has held for at least
   *     {@code for:} and the episode has not fired yet
   */
  synchronized Optional<Instant> update(String key, Instant time, boolean holds) {
    if (!holds) {
      episodes.remove(key); // the episode ends; the next one may fire again
      return Optional.empty();
    }
    Episode episode = episodes.computeIfAbsent(key, k -> new Episode(time));
    if (episode.fired || Duration.between(episode.since, time).compareTo(holdFor) < 0) {
      return Optional.empty();
    }
    episode.fired = true;
    return Optional.of(episode.since);
  }

  /** Drops the state of a key (its container stopped). */
  synchronized void forget(String key) {
    episodes.remove(key);
  }

  /** Keys with an episode under way. */
  synchronized int size() {
    return episodes.size();
  }
}
