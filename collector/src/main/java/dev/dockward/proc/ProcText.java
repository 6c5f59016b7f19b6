package dev.dockward.proc;

/**
 * Decodes bytes read from /proc ({@code comm}, {@code cmdline}, the {@code exe} link) to text
 * without losing anything: valid UTF-8 is decoded, and every byte that is not part of a valid UTF-8
 * sequence becomes the four characters {@code \xNN} (lowercase hex). Newlines, quotes and other
 * control characters are kept as they are; escaping them is the JSON writer's job.
 */
public final class ProcText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ProcText() {}

  /** The whole array as text. */
  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** {@code length} bytes from {@code offset} as text. */
  public static String decode(byte[] bytes, int offset, int length) {
    StringBuilder out = new StringBuilder(length);
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        out.append((char) b);
        i++;
        continue;
      }
      int seq = validSequenceLength(bytes, i, end);
      if (seq == 0) {
        escape(out, b);
        i++;
      } else {
        out.appendCodePoint(codePoint(bytes, i, seq));
        i += seq;
      }
    }
    return out.toString();
  }

  /**
   * A command line: the arguments are NUL-separated, so each NUL becomes a space, except the
   * terminating NUL of the last argument, which is dropped. Empty for kernel threads and zombies.
   */
  public static String cmdline(byte[] bytes, int length) {
    int len = length > 0 && bytes[length - 1] == 0 ? length - 1 : length;
    byte[] copy = new byte[len];
    for (int i = 0; i < len; i++) {
      copy[i] = bytes[i] == 0 ? (byte) ' ' : bytes[i];
    }
    return decode(copy, 0, len);
  }

  private static void escape(StringBuilder out, int b) {
    out.append('\\').append('x').append(HEX[b >>> 4]).append(HEX[b & 0xf]);
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code i} (RFC 3629, table 3-7 of Unicode), or
   * 0.
   */
  private static int validSequenceLength(byte[] b, int i, int end) {
    int b0 = b[i] & 0xff;
    int len;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      if (b0 == 0xe0) {
        lo = 0xa0; // no overlong forms
      } else if (b0 == 0xed) {
        hi = 0x9f; // no surrogates
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      if (b0 == 0xf0) {
        lo = 0x90;
      } else if (b0 == 0xf4) {
        hi = 0x8f; // nothing above U+10FFFF
      }
    } else {
      return 0;
    }
    if (i + len > end) {
      return 0;
    }
    int b1 = b[i + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      return 0;
    }
    for (int k = 2; k < len; k++) {
      int bk = b[i + k] & 0xff;
      if (bk < 0x80 || bk > 0xbf) {
        return 0;
      }
    }
    return len;
  }

  private static int codePoint(byte[] b, int i, int len) {
    int cp = b[i] & (0xff >>> (len + 1));
    for (int k = 1; k < len; k++) {
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    return cp;
  }
}
