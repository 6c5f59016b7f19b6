package dev.dockward.agent.journal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What one record may hold, so that every record fits what Kafka takes with its default settings
 * ({@code max.request.size} of 1 MiB, headers and batch overhead included) with room for the OCSF
 * and ECS shapes, which repeat some fields.
 *
 * <p>Two steps, both applied by {@link JournalWriter} to every record before it is journalled (so
 * no record builder, present or future, can bypass them):
 *
 * <ol>
 *   <li>{@link #capFields field caps}: every string at most {@link #STRING_CAP} characters, except
 *       values of fields named {@code cmdline} in events ({@link #EVENT_CMDLINE_CAP}, what the
 *       /proc reader keeps) and an alert's {@code summary} ({@link #SUMMARY_CAP}); map keys at most
 *       {@link #KEY_CAP} characters; lists and maps at most {@link #ENTRIES_CAP} entries (the first
 *       ones); nothing nested deeper than {@link #DEPTH_CAP} (a deeper list or map is written
 *       empty).
 *   <li>{@link #shrink the size guard}: a record still over {@link #MAX_RECORD_BYTES} encoded has
 *       its largest strings cut to a common length, and when that is not enough (many small
 *       values), its largest lists and maps halved, until it fits.
 * </ol>
 *
 * <p>Whatever is cut is marked in the record: {@code truncated} lists one mark per cut value,
 * {@code {"path": <JSON Pointer (RFC 6901) to the value as written>, "length": <its length before
 * the cut: characters of a string, entries of a list or map>}}, plus {@code "key": true} when the
 * map key at that path was cut rather than its value. Marks take at most {@link #MARKS_BYTES};
 * those that do not fit are counted in {@code truncated_unlisted}. The caller's map is never
 * changed: a record that needs cutting is copied.
 */
public final class RecordBounds {
  /** The most bytes one encoded record may take: a quarter of Kafka's default request size. */
  public static final int MAX_RECORD_BYTES = 256 * 1024;

  /** Characters of a string value, unless a cap below applies. */
  static final int STRING_CAP = 4096;

  /** Characters of an event's command lines (the /proc reader keeps as much). */
  static final int EVENT_CMDLINE_CAP = 64 * 1024;

  /** Characters of an alert's summary (a command line and the rule's text around it). */
  static final int SUMMARY_CAP = 8192;

  static final int KEY_CAP = 128;
  static final int ENTRIES_CAP = 4096;

  /** Lists and maps below the record itself, counted from 1 for its fields. */
  static final int DEPTH_CAP = 16;

  /** Encoded bytes the marks may take. */
  static final int MARKS_BYTES = 16 * 1024;

  /** The size guard cuts no string below this many encoded bytes (ids and hashes stay whole). */
  static final int STRING_FLOOR = 64;

  static final String TRUNCATED = "truncated";
  static final String UNLISTED = "truncated_unlisted";

  private RecordBounds() {}

  /**
   * The record itself when every value is within its cap, else a copy with the cut values marked.
   */
  public static Map<String, Object> capFields(Map<String, Object> record) {
    boolean alert = "alert".equals(record.get("kind"));
    if (!exceeds(record, null, 0, alert)) {
      return record;
    }
    Cutter cutter = new Cutter(alert);
    Map<String, Object> copy = cutter.copyRecord(record);
    cutter.writeMarks(copy);
    return copy;
  }

  /**
   * A copy of the record within its field caps and cut until {@code size} of it is at most {@code
   * maxBytes} (a record already marked keeps its marks, with the lengths they give). Stops early
   * only when nothing is left to cut.
   *
   * @param size the encoded size of a record, in bytes
   */
  public static Map<String, Object> shrink(
      Map<String, Object> record, int maxBytes, ToIntFunction<Map<String, Object>> size) {
    Cutter cutter = new Cutter("alert".equals(record.get("kind")));
    Map<String, Object> copy = cutter.copyRecord(record);
    cutter.writeMarks(copy);
    int current = size.applyAsInt(copy);
    while (current > maxBytes) {
      int excess = current - maxBytes;
      if (!cutter.cutStrings(copy, excess + 64) && !cutter.halveLargest(copy)) {
        break; // nothing left to cut
      }
      cutter.writeMarks(copy);
      current = size.applyAsInt(copy);
    }
    return copy;
  }

  /**
   * Whether the value or anything in it is over a field cap; walks no deeper than the depth cap.
   */
  private static boolean exceeds(Object value, String key, int depth, boolean alert) {
    if (value instanceof String s) {
      return s.length() > cap(key, depth, alert);
    }
    if (value instanceof Map<?, ?> m) {
      if (depth > DEPTH_CAP || m.size() > ENTRIES_CAP) {
        return true;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = e.getKey() instanceof String s ? s : null;
        if (k != null && k.length() > KEY_CAP || exceeds(e.getValue(), k, depth + 1, alert)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Collection<?> c) {
      if (depth > DEPTH_CAP || c.size() > ENTRIES_CAP) {
        return true;
      }
      for (Object v : c) {
        if (exceeds(v, key, depth + 1, alert)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Object[] a) {
      return exceeds(List.of(a), key, depth, alert);
    }
    return false;
  }

  /**
   * The cap of a string under {@code key} (a list's strings take the list's key) at {@code depth}
   * (1 for the record's own fields).
   */
  static int cap(String key, int depth, boolean alert) {
    if ("cmdline".equals(key)) {
      return alert ? STRING_CAP : EVENT_CMDLINE_CAP;
    }
    if (alert && depth == 1 && "summary".equals(key)) {
      return SUMMARY_CAP;
    }
    return STRING_CAP;
  }

  /** Bytes of a string's JSON text between its quotes, as {@link RecordJsonEncoder} writes it. */
  static int encodedLength(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      n += encodedLength(s.charAt(i));
    }
    return n;
  }

  private static int encodedLength(char c) {
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\') {
        return 1;
      }
      return c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
          ? 2
          : 6;
    }
    if (c < 0x800) {
      return 2;
    }
    return Character.isSurrogate(c) ? 6 : 3;
  }

  /**
   * The longest prefix of {@code s} whose JSON text takes at most {@code bytes}, pairs kept whole.
   */
  static String prefix(String s, int bytes) {
    int n = 0;
    int end = 0;
    while (end < s.length()) {
      int next = n + encodedLength(s.charAt(end));
      if (next > bytes) {
        break;
      }
      n = next;
      end++;
    }
    return cutAt(s, end);
  }

  private static String cutAt(String s, int end) {
    if (end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  /** A JSON Pointer reference token: {@code ~} and {@code /} escaped. */
  static String token(String key) {
    return key.indexOf('~') < 0 && key.indexOf('/') < 0
        ? key
        : key.replace("~", "~0").replace("/", "~1");
  }

  /** One cut: where, how long the value (or key) was. */
  private record Mark(String path, long length, boolean key) {
    Map<String, Object> document() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", path);
      m.put("length", length);
      if (key) {
        m.put("key", true);
      }
      return m;
    }
  }

  /** A string value in the copy: its container and slot, for cutting it in place. */
  private record Leaf(Object container, Object slot, String path, String value, int bytes) {}

  /** A list or map in the copy, for halving it. */
  private record Node(Object container, String path, int entries) {}

  /** The state of one record's cutting: the marks so far. */
  private static final class Cutter {
    private final boolean alert;
    private final Map<String, Mark> marks = new LinkedHashMap<>();
    private long unlistedBefore;

    Cutter(boolean alert) {
      this.alert = alert;
    }

    /** A mutable copy within the field caps; marks already in the record are taken over. */
    Map<String, Object> copyRecord(Map<String, Object> record) {
      readMarks(record.get(TRUNCATED), record.get(UNLISTED));
      Map<String, Object> copy = new LinkedHashMap<>();
      copyEntries(record, copy, "", 0);
      copy.remove(TRUNCATED);
      copy.remove(UNLISTED);
      return copy;
    }

    private void readMarks(Object listed, Object unlisted) {
      if (listed instanceof Collection<?> c) {
        for (Object o : c) {
          if (o instanceof Map<?, ?> m
              && m.get("path") instanceof String path
              && m.get("length") instanceof Number n) {
            mark(path, n.longValue(), Boolean.TRUE.equals(m.get("key")));
          }
        }
      }
      if (unlisted instanceof Number n) {
        unlistedBefore = n.longValue();
      }
    }

    private void mark(String path, long length, boolean key) {
      marks.putIfAbsent(
          (key ? "k" : "v") + path,
          new Mark(path, length, key)); // the first cut knows the original
    }

    private Object copy(Object value, String key, String path, int depth) {
      if (value instanceof String s) {
        int cap = cap(key, depth, alert);
        if (s.length() <= cap) {
          return s;
        }
        mark(path, s.length(), false);
        return cutAt(s, cap);
      }
      if (value instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (depth > DEPTH_CAP) {
          mark(path, m.size(), false);
          return out;
        }
        copyEntries(m, out, path, depth);
        return out;
      }
      if (value instanceof Collection<?> || value instanceof Object[]) {
        Collection<?> c = value instanceof Collection<?> col ? col : List.of((Object[]) value);
        List<Object> out = new ArrayList<>(Math.min(c.size(), ENTRIES_CAP));
        if (depth > DEPTH_CAP || c.size() > ENTRIES_CAP) {
          mark(path, c.size(), false);
        }
        if (depth > DEPTH_CAP) {
          return out;
        }
        for (Object v : c) {
          if (out.size() == ENTRIES_CAP) {
            break;
          }
          out.add(copy(v, key, path + "/" + out.size(), depth + 1));
        }
        return out;
      }
      return value;
    }

    /** A map's entries into {@code out}: the first {@link #ENTRIES_CAP}, long keys cut. */
    private void copyEntries(Map<?, ?> in, Map<String, Object> out, String path, int depth) {
      boolean lost = in.size() > ENTRIES_CAP;
      for (Map.Entry<?, ?> e : in.entrySet()) {
        if (out.size() == ENTRIES_CAP) {
          break;
        }
        if (!(e.getKey() instanceof String key)) {
          // Not ours to write: the encoder refuses it and Jackson decides, as without bounds.
          @SuppressWarnings("unchecked")
          Map<Object, Object> raw = (Map<Object, Object>) (Map<?, ?>) out;
          raw.put(e.getKey(), e.getValue());
          continue;
        }
        String written = key.length() > KEY_CAP ? cutAt(key, KEY_CAP) : key;
        if (out.containsKey(written)) {
          lost = true; // two long keys that agree in their first characters: the first one stays
          continue;
        }
        String at = path + "/" + token(written);
        if (written != key) {
          mark(at, key.length(), true);
        }
        out.put(written, copy(e.getValue(), written, at, depth + 1));
      }
      if (lost) {
        mark(path, in.size(), false);
      }
    }

    /**
     * Cuts the largest strings to one common length so that their JSON text shrinks by at least
     * {@code excess} bytes, no string below {@link #STRING_FLOOR}; false when none is over the
     * floor.
     */
    boolean cutStrings(Map<String, Object> record, int excess) {
      List<Leaf> leaves = new ArrayList<>();
      collect(record, "", leaves, null);
      leaves.removeIf(l -> l.bytes() <= STRING_FLOOR);
      if (leaves.isEmpty()) {
        return false;
      }
      leaves.sort(Comparator.comparingInt(Leaf::bytes).reversed());
      // The largest level L such that cutting every longer string to L saves at least excess.
      long sum = 0;
      long level = STRING_FLOOR;
      for (int k = 0; k < leaves.size(); k++) {
        sum += leaves.get(k).bytes();
        long next = k + 1 < leaves.size() ? leaves.get(k + 1).bytes() : STRING_FLOOR;
        if (sum - (long) (k + 1) * next >= excess) {
          level = Math.max(STRING_FLOOR, (sum - excess) / (k + 1));
          break;
        }
      }
      for (Leaf leaf : leaves) {
        if (leaf.bytes() <= level) {
          break;
        }
        mark(leaf.path(), leaf.value().length(), false);
        put(leaf.container(), leaf.slot(), prefix(leaf.value(), (int) level));
      }
      return true;
    }

    /**
     * Halves the list or map with the most entries (the record's own fields last); false when all
     * are empty.
     */
    boolean halveLargest(Map<String, Object> record) {
      List<Node> nodes = new ArrayList<>();
      collect(record, "", null, nodes);
      Node largest = null;
      for (Node n : nodes) {
        if (n.entries() > 0 && (largest == null || n.entries() > largest.entries())) {
          largest = n;
        }
      }
      if (largest == null) {
        // Only the record's own fields are left: drop the later half of them (the envelope comes
        // first).
        List<String> keys = new ArrayList<>(record.keySet());
        keys.remove(TRUNCATED);
        keys.remove(UNLISTED);
        if (keys.size() <= 1) {
          return false;
        }
        mark("", keys.size(), false);
        Set<String> removed = new HashSet<>();
        for (String k : keys.subList(keys.size() / 2, keys.size())) {
          removed.add(token(k));
          record.remove(k);
        }
        forget("", removed);
        return true;
      }
      mark(largest.path(), largest.entries(), false);
      Set<String> removed = new HashSet<>();
      if (largest.container() instanceof List<?> list) {
        for (int i = list.size() / 2; i < list.size(); i++) {
          removed.add(Integer.toString(i));
        }
        list.subList(list.size() / 2, list.size()).clear();
      } else {
        Map<?, ?> map = (Map<?, ?>) largest.container();
        List<Object> keys = new ArrayList<>(map.keySet());
        for (Object k : keys.subList(keys.size() / 2, keys.size())) {
          removed.add(token(String.valueOf(k)));
          map.remove(k);
        }
      }
      forget(largest.path(), removed);
      return true;
    }

    /**
     * Drops the marks of values that went with the removed entries of the list or map at {@code
     * path}.
     */
    private void forget(String path, Set<String> removedTokens) {
      String below = path + "/";
      marks
          .values()
          .removeIf(
              m -> {
                if (!m.path().startsWith(below)) {
                  return false;
                }
                int end = m.path().indexOf('/', below.length());
                return removedTokens.contains(
                    m.path().substring(below.length(), end < 0 ? m.path().length() : end));
              });
    }

    /** The strings (into leaves) or the lists and maps below the record (into nodes) of a copy. */
    private void collect(Object value, String path, List<Leaf> leaves, List<Node> nodes) {
      if (value instanceof Map<?, ?> m) {
        boolean root = path.isEmpty();
        if (!root && nodes != null) {
          nodes.add(new Node(m, path, m.size()));
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String key)
              || root && (TRUNCATED.equals(key) || UNLISTED.equals(key))) {
            continue;
          }
          String at = path + "/" + token(key);
          if (e.getValue() instanceof String s && leaves != null) {
            leaves.add(new Leaf(m, key, at, s, encodedLength(s)));
          } else {
            collect(e.getValue(), at, leaves, nodes);
          }
        }
      } else if (value instanceof List<?> list) {
        if (nodes != null) {
          nodes.add(new Node(list, path, list.size()));
        }
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof String s && leaves != null) {
            leaves.add(new Leaf(list, i, path + "/" + i, s, encodedLength(s)));
          } else {
            collect(list.get(i), path + "/" + i, leaves, nodes);
          }
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static void put(Object container, Object slot, String value) {
      if (container instanceof List<?> list) {
        ((List<Object>) list).set((Integer) slot, value);
      } else {
        ((Map<Object, Object>) container).put(slot, value); // an existing key: its place is kept
      }
    }

    /**
     * {@code truncated} (and {@code truncated_unlisted}) at the end of the record, from the marks
     * so far.
     */
    void writeMarks(Map<String, Object> record) {
      record.remove(TRUNCATED);
      record.remove(UNLISTED);
      if (marks.isEmpty() && unlistedBefore == 0) {
        return;
      }
      List<Object> listed = new ArrayList<>();
      int bytes = 2;
      long unlisted = unlistedBefore;
      for (Mark m : marks.values()) {
        int b = encodedLength(m.path()) + 40;
        if (bytes + b > MARKS_BYTES) {
          unlisted++;
        } else {
          bytes += b;
          listed.add(m.document());
        }
      }
      record.put(TRUNCATED, listed);
      if (unlisted > 0) {
        record.put(UNLISTED, unlisted);
      }
    }
  }
}
