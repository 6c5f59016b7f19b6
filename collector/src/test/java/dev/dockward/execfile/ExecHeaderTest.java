package dev.dockward.execfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Real executables' first bytes (see {@code resources/execfile/README.md}) and made-up edge cases.
 */
class ExecHeaderTest {
  @Test
  void staticBusyboxIsAStaticProgram() throws IOException {
    assertEquals(ExecHeader.Kind.STATIC_ELF, kind("busybox.head"));
  }

  @Test
  void catNamesItsLoader() throws IOException {
    assertEquals(ExecHeader.Kind.DYNAMIC_ELF, kind("cat.head"));
  }

  @Test
  void theLoaderIsPositionIndependentWithoutALoader() throws IOException {
    assertEquals(ExecHeader.Kind.LOADER_ELF, kind("ld-linux-x86-64.so.2.head"));
  }

  @Test
  void aShebangIsAScript() throws IOException {
    assertEquals(ExecHeader.Kind.SCRIPT, kind("script.head"));
  }

  @Test
  void theProgramHeadersOfCatAreWhereReadelfSaysTheyAre() throws IOException {
    byte[] cat = fixture("cat.head");
    ExecHeader.ProgramHeaders h =
        ExecHeader.programHeaders(ByteBuffer.wrap(cat), cat.length).orElseThrow();
    assertEquals(64, h.offset());
    assertEquals(56, h.entrySize());
    assertEquals(13, h.count());
    assertTrue(h.wide());
    assertTrue(h.positionIndependent());
  }

  @Test
  void aFileTooShortOrNotElfIsOther() {
    byte[] shortElf = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    assertEquals(
        ExecHeader.Kind.OTHER,
        ExecHeader.kind(ByteBuffer.wrap(shortElf), shortElf.length, ByteBuffer.allocate(0), 0));
    byte[] text = "MZ\u0090\u0000 not a Linux program".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(
        ExecHeader.Kind.OTHER,
        ExecHeader.kind(ByteBuffer.wrap(text), text.length, ByteBuffer.allocate(0), 0));
    assertEquals(
        ExecHeader.Kind.OTHER,
        ExecHeader.kind(ByteBuffer.wrap(new byte[] {'#'}), 1, ByteBuffer.allocate(0), 0));
  }

  @Test
  void aBigEndian32BitDynamicProgramIsRead() {
    // ELF32, big-endian, ET_EXEC, program headers at 52: two entries of 32 bytes, the second
    // PT_INTERP
    ByteBuffer head = ByteBuffer.allocate(52).order(ByteOrder.BIG_ENDIAN);
    head.put(0, (byte) 0x7f)
        .put(1, (byte) 'E')
        .put(2, (byte) 'L')
        .put(3, (byte) 'F')
        .put(4, (byte) 1)
        .put(5, (byte) 2);
    head.putShort(0x10, (short) 2)
        .putInt(0x1c, 52)
        .putShort(0x2a, (short) 32)
        .putShort(0x2c, (short) 2);
    ByteBuffer table = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
    table.putInt(0, 6).putInt(32, 3);
    assertEquals(ExecHeader.Kind.DYNAMIC_ELF, ExecHeader.kind(head, 52, table, 64));
    assertEquals(
        ExecHeader.Kind.STATIC_ELF,
        ExecHeader.kind(head, 52, table, 32),
        "the PT_INTERP entry not read");
  }

  private static ExecHeader.Kind kind(String name) throws IOException {
    byte[] bytes = fixture(name);
    ByteBuffer head =
        ByteBuffer.wrap(bytes, 0, Math.min(ExecHeader.HEAD_BYTES, bytes.length)).slice();
    int headLength = Math.min(ExecHeader.HEAD_BYTES, bytes.length);
    return ExecHeader.programHeaders(head, headLength)
        .map(
            h -> {
              int length = (int) Math.min(h.length(), bytes.length - h.offset());
              return ExecHeader.kind(
                  head,
                  headLength,
                  ByteBuffer.wrap(bytes, (int) h.offset(), length).slice(),
                  length);
            })
        .orElseGet(() -> ExecHeader.kind(head, headLength, ByteBuffer.allocate(0), 0));
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            ExecHeaderTest.class.getResourceAsStream("/execfile/" + name), name)) {
      return in.readAllBytes();
    }
  }
}
