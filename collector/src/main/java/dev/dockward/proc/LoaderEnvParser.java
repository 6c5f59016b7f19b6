package dev.dockward.proc;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the dynamic loader's variables out of a {@code /proc/<pid>/environ} read: the NUL-separated
 * {@code KEY=value} entries the process was started with. Only {@link #KEYS} are kept, each value
 * cut to {@link #VALUE_CAP} characters; everything else in the environment (secrets, tokens) is
 * never decoded. Pure text to record: the read itself is {@link ProcReader}'s.
 */
public final class LoaderEnvParser {
  /**
   * The variables kept: each makes a dynamically linked program load or behave as whoever set it
   * chose.
   */
  public static final List<String> KEYS =
      List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "GLIBC_TUNABLES");

  /** The most characters of a value kept (a path list or tunables string is far shorter). */
  public static final int VALUE_CAP = 512;

  private static final byte[][] PREFIXES =
      KEYS.stream().map(k -> (k + "=").getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

  private LoaderEnvParser() {}

  /**
   * The loader variables among the first {@code length} bytes of {@code environ}, in {@link #KEYS}
   * order.
   */
  public static Map<String, String> parse(byte[] environ, int length) {
    Map<String, String> found = new LinkedHashMap<>();
    int start = 0;
    while (start < length) {
      int end = start;
      while (end < length && environ[end] != 0) {
        end++;
      }
      // Every key starts with L or G: most entries are passed over on their first byte.
      if (end > start && (environ[start] == 'L' || environ[start] == 'G')) {
        for (int k = 0; k < PREFIXES.length; k++) {
          byte[] prefix = PREFIXES[k];
          if (startsWith(environ, start, end, prefix)) {
            int from = start + prefix.length;
            int to = Math.min(end, from + VALUE_CAP);
            String value = ProcText.decode(environ, from, to - from); // escapes may lengthen it
            found.putIfAbsent(
                KEYS.get(k), value.length() > VALUE_CAP ? value.substring(0, VALUE_CAP) : value);
          }
        }
      }
      start = end + 1;
    }
    Map<String, String> ordered = new LinkedHashMap<>();
    for (String key : KEYS) {
      if (found.containsKey(key)) {
        ordered.put(key, found.get(key));
      }
    }
    return ordered;
  }

  private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
    if (end - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
