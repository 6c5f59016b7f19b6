package dev.dockward.agent.journal;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Record ids: {@code <host prefix>-<16 hex digits>}, unique per host and stable across restarts
 * because the sequence resumes after the newest id found in the journal.
 */
public final class RecordIds {
  private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-z]+)-([0-9a-f]{16})\"");
  private final String prefix;
  private final AtomicLong next;

  public RecordIds(String prefix, long next) {
    this.prefix = prefix;
    this.next = new AtomicLong(next);
  }

  /** Continues the sequence of the journal's newest record, if it has this prefix. */
  public static RecordIds resumingAfter(String prefix, Optional<String> lastRecord) {
    long next = 1;
    if (lastRecord.isPresent()) {
      Matcher m = ID.matcher(lastRecord.get());
      if (m.find() && m.group(1).equals(prefix)) {
        next = Long.parseUnsignedLong(m.group(2), 16) + 1;
      }
    }
    return new RecordIds(prefix, next);
  }

  public String next() {
    // Hand-formatted: String.format cost more than the rest of an event's journal append.
    long n = next.getAndIncrement();
    char[] id = new char[prefix.length() + 17];
    prefix.getChars(0, prefix.length(), id, 0);
    id[prefix.length()] = '-';
    for (int i = id.length - 1; i > prefix.length(); i--) {
      id[i] = HEX[(int) (n & 0xf)];
      n >>>= 4;
    }
    return new String(id);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
}
