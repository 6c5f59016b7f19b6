package dev.dockward.agent.journal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Writes record maps as UTF-8 JSON byte for byte as the journal's Jackson generator does (a plain
 * {@code new ObjectMapper()}, {@code COMBINE_UNICODE_SURROGATES_IN_UTF8} disabled), without
 * Jackson's per-value serializer lookups. The journal's hash chain, replay and the shippers read
 * these bytes, so a value this encoder does not know to write exactly like Jackson makes it refuse
 * the whole record ({@link #encode} returns false) and the caller encodes it with Jackson.
 *
 * <p>What it writes: String; Long, Integer, Short, Byte; Double and Float ({@code Double.toString},
 * non-finite values as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"});
 * BigInteger and BigDecimal ({@code toString}); Boolean; null; maps with String keys, collections
 * (both {@code java.util} classes, in iteration order) and object arrays. Strings are escaped as
 * Jackson does: {@code \" \\ \b \t \n \f \r}, other control characters as <code>&#92;u00XX</code>,
 * every surrogate (paired or lone) as an upper-case <code>&#92;uXXXX</code>, everything else as
 * UTF-8 of at most three bytes, which Chronicle's text reader decodes.
 *
 * <p>One instance per thread: it reuses its buffer, read in place through {@link #array()}.
 */
public final class RecordJsonEncoder {
  /** Deeper documents go to Jackson, which enforces its own nesting limit (and finds cycles). */
  static final int MAX_DEPTH = 100;

  /** Characters written per capacity check in a string (6 bytes per character at worst). */
  private static final int CHUNK = 512;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] MIN_LONG =
      Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

  /**
   * For ASCII: 0 written as is, -1 as <code>&#92;u00XX</code>, else the letter after the backslash.
   */
  private static final int[] ESCAPES = escapes();

  /** Slots of the cache of encoded keys (a power of two). */
  private static final int KEY_SLOTS = 256;

  /** Longer keys are encoded each time. */
  private static final int MAX_CACHED_KEY = 64;

  private final char[] chars = new char[CHUNK];
  // Records repeat a few dozen keys: each one's {@code "key":} bytes, by hash slot (last one wins).
  private final String[] keys = new String[KEY_SLOTS];
  private final byte[][] encodedKeys = new byte[KEY_SLOTS][];
  private byte[] buf = new byte[1024];
  private int size;
  private Class<?> refused;

  private static int[] escapes() {
    int[] e = new int[128];
    Arrays.fill(e, 0, 32, -1);
    e['\b'] = 'b';
    e['\t'] = 't';
    e['\n'] = 'n';
    e['\f'] = 'f';
    e['\r'] = 'r';
    e['"'] = '"';
    e['\\'] = '\\';
    return e;
  }

  /**
   * Encodes one record into the buffer; false when it holds a value this encoder does not write
   * (the buffer then holds nothing usable and {@link #refusedType()} names the value's class).
   */
  public boolean encode(Map<?, ?> record) {
    size = 0;
    refused = null;
    return writeMap(record, 1);
  }

  /** The encoded bytes are {@code array()[0 .. size())}, valid until the next {@link #encode}. */
  public byte[] array() {
    return buf;
  }

  public int size() {
    return size;
  }

  /** The class of the value that made the last {@link #encode} refuse its record, else null. */
  public Class<?> refusedType() {
    return refused;
  }

  private boolean refuse(Object value) {
    refused = value == null ? Void.class : value.getClass();
    return false;
  }

  private boolean writeValue(Object value, int depth) {
    if (value instanceof String s) {
      writeString(s);
      return true;
    }
    if (value == null) {
      writeRaw(NULL);
      return true;
    }
    Class<?> type = value.getClass();
    if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class) {
      writeLong(((Number) value).longValue());
    } else if (type == Boolean.class) {
      writeRaw((Boolean) value ? TRUE : FALSE);
    } else if (type == Double.class) {
      double d = (Double) value;
      writeNumberText(Double.toString(d), Double.isFinite(d));
    } else if (type == Float.class) {
      float f = (Float) value;
      writeNumberText(Float.toString(f), Float.isFinite(f));
    } else if (type == BigInteger.class || type == BigDecimal.class) {
      writeNumberText(value.toString(), true);
    } else if (value instanceof Map<?, ?> m && isJavaUtil(type)) {
      return writeMap(m, depth + 1);
    } else if (value instanceof Collection<?> c && isJavaUtil(type)) {
      return writeCollection(c, depth + 1);
    } else if (value instanceof Object[] a) {
      return writeArray(a, depth + 1);
    } else {
      return refuse(value);
    }
    return true;
  }

  /**
   * Jackson may carry serializers or annotations for other implementations: those are its to write.
   */
  private static boolean isJavaUtil(Class<?> type) {
    return type.getName().startsWith("java.util.");
  }

  private boolean writeMap(Map<?, ?> map, int depth) {
    if (depth > MAX_DEPTH) {
      return refuse(map);
    }
    writeByte('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        return refuse(e.getKey()); // Jackson refuses a null key and writes other keys its own ways
      }
      if (!first) {
        writeByte(',');
      }
      first = false;
      writeKey(key);
      if (!writeValue(e.getValue(), depth)) {
        return false;
      }
    }
    writeByte('}');
    return true;
  }

  private boolean writeCollection(Collection<?> values, int depth) {
    if (depth > MAX_DEPTH) {
      return refuse(values);
    }
    writeByte('[');
    boolean first = true;
    for (Object v : values) {
      if (!first) {
        writeByte(',');
      }
      first = false;
      if (!writeValue(v, depth)) {
        return false;
      }
    }
    writeByte(']');
    return true;
  }

  private boolean writeArray(Object[] values, int depth) {
    if (depth > MAX_DEPTH) {
      return refuse(values);
    }
    writeByte('[');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        writeByte(',');
      }
      if (!writeValue(values[i], depth)) {
        return false;
      }
    }
    writeByte(']');
    return true;
  }

  /** Jackson writes non-finite numbers as strings (WRITE_NAN_AS_STRINGS, on by default). */
  private void writeNumberText(String text, boolean finite) {
    if (!finite) {
      writeString(text);
      return;
    }
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[size++] = (byte) text.charAt(i);
    }
  }

  private void writeLong(long v) {
    if (v == Long.MIN_VALUE) {
      writeRaw(MIN_LONG); // has no positive counterpart
      return;
    }
    ensure(20);
    if (v < 0) {
      buf[size++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long rest = v / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int p = size + digits;
    size = p;
    do {
      buf[--p] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v != 0);
  }

  private void writeKey(String key) {
    int slot = key.hashCode() & (KEY_SLOTS - 1);
    String cached = keys[slot];
    if (cached == key || key.equals(cached)) {
      writeRaw(encodedKeys[slot]);
      return;
    }
    int start = size;
    writeString(key);
    writeByte(':');
    if (key.length() <= MAX_CACHED_KEY) {
      keys[slot] = key;
      encodedKeys[slot] = Arrays.copyOfRange(buf, start, size);
    }
  }

  private void writeString(String s) {
    int n = s.length();
    ensure(2);
    buf[size++] = '"';
    for (int from = 0; from < n; from += CHUNK) {
      writeChars(s, from, Math.min(n, from + CHUNK));
    }
    ensure(1);
    buf[size++] = '"';
  }

  /** Characters [from, to) of s, at most {@link #CHUNK} of them. */
  private void writeChars(String s, int from, int to) {
    ensure((to - from) * 6);
    byte[] b = buf;
    int p = size;
    int n = to - from;
    char[] cs = chars;
    s.getChars(from, to, cs, 0); // a bulk copy: cheaper than charAt per character
    int i = 0;
    // The common case: printable ASCII, byte per character.
    while (i < n) {
      char c = cs[i];
      if (c >= 0x80 || ESCAPES[c] != 0) {
        break;
      }
      b[p++] = (byte) c;
      i++;
    }
    for (; i < n; i++) {
      char c = cs[i];
      if (c < 0x80) {
        int e = ESCAPES[c];
        if (e == 0) {
          b[p++] = (byte) c;
        } else if (e > 0) {
          b[p++] = '\\';
          b[p++] = (byte) e;
        } else {
          p = writeUnicodeEscape(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        p = writeUnicodeEscape(b, p, c); // never a 4-byte sequence (see JournalWriter)
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    size = p;
  }

  private static int writeUnicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xF];
    b[p++] = HEX[(c >> 8) & 0xF];
    b[p++] = HEX[(c >> 4) & 0xF];
    b[p++] = HEX[c & 0xF];
    return p;
  }

  private void writeByte(char c) {
    ensure(1);
    buf[size++] = (byte) c;
  }

  private void writeRaw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
