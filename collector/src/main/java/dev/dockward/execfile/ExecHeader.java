package dev.dockward.execfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * What the first bytes of an opened executable say it is, so that the files one exec opens can be
 * told apart: a script ({@code #!}) is followed by its interpreter, an ELF program with a {@code
 * PT_INTERP} program header by its dynamic loader, a static ELF program by nothing. The loader is a
 * position-independent ELF file ({@code ET_DYN}) without {@code PT_INTERP}; so is a static-pie
 * program, which only its place after a dynamic program tells apart. Pure: bytes in, answer out.
 */
final class ExecHeader {
  /** Bytes read first: the ELF file header of either class. */
  static final int HEAD_BYTES = 64;

  /** Program headers looked at, at most: a program has about ten. */
  static final int MAX_PROGRAM_HEADERS = 64;

  private static final int PT_INTERP = 3;
  private static final int ET_DYN = 3;

  /** What an executable is. */
  enum Kind {
    /** {@code #!}: the kernel opens its interpreter next. */
    SCRIPT,
    /** ELF with a dynamic loader ({@code PT_INTERP}): the kernel opens the loader next. */
    DYNAMIC_ELF,
    /** ELF without one, not position-independent ({@code ET_EXEC}): a static program. */
    STATIC_ELF,
    /**
     * ELF without one, position-independent ({@code ET_DYN}): a dynamic loader, or a static-pie
     * program.
     */
    LOADER_ELF,
    /** Anything else (binfmt_misc formats, or a file too short to say). */
    OTHER
  }

  /**
   * Where an ELF file's program header table is: its byte range and how to read its entries; and
   * whether the file is position-independent ({@code ET_DYN}).
   */
  record ProgramHeaders(
      long offset,
      int entrySize,
      int count,
      boolean wide,
      ByteOrder order,
      boolean positionIndependent) {
    int length() {
      return entrySize * count;
    }
  }

  private ExecHeader() {}

  /** Script, other, or for ELF what its program headers ({@code table}, as read) say. */
  static Kind kind(ByteBuffer head, int headLength, ByteBuffer table, int tableLength) {
    if (headLength >= 2 && head.get(0) == '#' && head.get(1) == '!') {
      return Kind.SCRIPT;
    }
    Optional<ProgramHeaders> headers = programHeaders(head, headLength);
    if (headers.isEmpty()) {
      return Kind.OTHER;
    }
    if (hasInterpreter(table, tableLength, headers.get())) {
      return Kind.DYNAMIC_ELF;
    }
    return headers.get().positionIndependent() ? Kind.LOADER_ELF : Kind.STATIC_ELF;
  }

  /**
   * The program header table of an ELF file header, empty when the bytes are no ELF header this
   * reader understands.
   */
  static Optional<ProgramHeaders> programHeaders(ByteBuffer head, int length) {
    if (length < 52
        || head.get(0) != 0x7f
        || head.get(1) != 'E'
        || head.get(2) != 'L'
        || head.get(3) != 'F') {
      return Optional.empty();
    }
    int elfClass = head.get(4);
    int data = head.get(5);
    if ((elfClass != 1 && elfClass != 2) || (data != 1 && data != 2)) {
      return Optional.empty();
    }
    boolean wide = elfClass == 2;
    ByteOrder order = data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer b = head.duplicate().order(order);
    if (wide && length < HEAD_BYTES) {
      return Optional.empty();
    }
    long offset = wide ? b.getLong(0x20) : Integer.toUnsignedLong(b.getInt(0x1c));
    int entrySize = Short.toUnsignedInt(b.getShort(wide ? 0x36 : 0x2a));
    int count = Short.toUnsignedInt(b.getShort(wide ? 0x38 : 0x2c));
    boolean positionIndependent = Short.toUnsignedInt(b.getShort(0x10)) == ET_DYN;
    if (offset <= 0 || entrySize < (wide ? 56 : 32) || count == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ProgramHeaders(
            offset,
            entrySize,
            Math.min(count, MAX_PROGRAM_HEADERS),
            wide,
            order,
            positionIndependent));
  }

  /** Whether the program header table ({@code length} bytes of it read) names a dynamic loader. */
  static boolean hasInterpreter(ByteBuffer table, int length, ProgramHeaders headers) {
    ByteBuffer b = table.duplicate().order(headers.order());
    for (int i = 0; i < headers.count() && (i + 1) * headers.entrySize() <= length; i++) {
      if (b.getInt(i * headers.entrySize()) == PT_INTERP) {
        return true;
      }
    }
    return false;
  }
}
