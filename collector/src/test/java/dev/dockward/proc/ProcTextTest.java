package dev.dockward.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcTextTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void validUtf8IsDecodedIncludingFourByteCharacters() {
    String text = "h\u00e9llo \u2713 \uD834\uDD1E"; // é, check mark, musical G clef (4 bytes)
    assertEquals(text, ProcText.decode(text.getBytes(UTF_8)));
  }

  @Test
  void eachInvalidByteBecomesALowercaseHexEscape() {
    assertEquals("a\\xffb", ProcText.decode(bytes('a', 0xff, 'b')));
    assertEquals("\\xc3(", ProcText.decode(bytes(0xc3, '(')), "lead byte without continuation");
    assertEquals("\\xc0\\xaf", ProcText.decode(bytes(0xc0, 0xaf)), "overlong '/'");
    assertEquals("\\xed\\xa0\\x80", ProcText.decode(bytes(0xed, 0xa0, 0x80)), "UTF-16 surrogate");
    assertEquals(
        "\\xf5\\x80\\x80\\x80", ProcText.decode(bytes(0xf5, 0x80, 0x80, 0x80)), "above U+10FFFF");
    assertEquals("\\x80", ProcText.decode(bytes(0x80)), "lone continuation byte");
  }

  @Test
  void sequenceCutAtTheEndIsEscapedByteByByte() {
    assertEquals("x\\xe2\\x9c", ProcText.decode(bytes('x', 0xe2, 0x9c)));
  }

  @Test
  void validCharacterAfterAnInvalidByteIsKept() {
    assertEquals("\\xff\u00e9", ProcText.decode(bytes(0xff, 0xc3, 0xa9)));
  }

  @Test
  void newlinesQuotesAndBackslashesAreKeptAsTheyAre() {
    String text = "a\nb\"c\\d\te";
    assertEquals(text, ProcText.decode(text.getBytes(UTF_8)));
  }

  @Test
  void cmdlineTurnsNulSeparatorsIntoSpacesAndDropsTheTrailingNul() {
    byte[] raw = "sh\0-c\0echo hi\0".getBytes(UTF_8);
    assertEquals("sh -c echo hi", ProcText.cmdline(raw, raw.length));
  }

  @Test
  void cmdlineKeepsEmptyArguments() {
    byte[] raw = "a\0\0b\0".getBytes(UTF_8);
    assertEquals("a  b", ProcText.cmdline(raw, raw.length));
  }

  @Test
  void cmdlineWithoutTrailingNulKeepsItsLastCharacter() {
    byte[] raw = "abc\0def".getBytes(UTF_8);
    assertEquals("abc def", ProcText.cmdline(raw, raw.length));
  }

  @Test
  void emptyCmdlineIsEmpty() {
    assertEquals("", ProcText.cmdline(new byte[0], 0));
  }

  @Test
  void cmdlineUsesOnlyTheGivenLength() {
    byte[] raw = "abcdef".getBytes(UTF_8);
    assertEquals("abc", ProcText.cmdline(raw, 3));
  }
}
