package dev.dockward.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Dockward's audit rules as the kernel's {@code struct audit_rule_data}: what {@code auditctl -a
 * always,exit -F arch=b64 -S execve,execveat -k dockward} sends, and the same for 32-bit programs
 * ({@code arch=b32}, where the syscalls have other numbers: a 32-bit binary must not escape the
 * exec events). Beside the exec rule, two narrow ones ({@link Kind}): links made ({@code -S
 * link,linkat,symlink,symlinkat -F success=1}) and a process asking to be traced ({@code -S ptrace
 * -F a0=0}, PTRACE_TRACEME, which the process connector does not report), and packet sockets opened
 * ({@code -S socket -F success=1 -F a0=17}: AF_PACKET; a 32-bit program that goes through {@code
 * socketcall(2)} is not covered, its family being behind a pointer), and descriptors duplicated
 * onto standard input, output or error ({@code -S dup2,dup3 -F success=1 -F a1<=2}: a program that
 * moves a socket there itself). Also recognises them in an AUDIT_LIST_RULES reply. Pure.
 */
final class AuditRule {
  /** A syscall ABI of x86_64 and its exec syscalls. */
  enum Arch {
    B64(0xc000003e, 59, 322, 86, 265, 88, 266, 101, 41, 33, 292),
    B32(0x40000003, 11, 358, 9, 303, 83, 304, 26, 359, 63, 330);

    final int auditArch;
    final int execve;
    final int execveat;
    final int link;
    final int linkat;
    final int symlink;
    final int symlinkat;
    final int ptrace;

    /**
     * socket(2) itself; on i386 also reachable through socketcall(2), which our rule does not
     * cover.
     */
    final int socket;

    final int dup2;
    final int dup3;

    Arch(
        int auditArch,
        int execve,
        int execveat,
        int link,
        int linkat,
        int symlink,
        int symlinkat,
        int ptrace,
        int socket,
        int dup2,
        int dup3) {
      this.auditArch = auditArch;
      this.execve = execve;
      this.execveat = execveat;
      this.link = link;
      this.linkat = linkat;
      this.symlink = symlink;
      this.symlinkat = symlinkat;
      this.ptrace = ptrace;
      this.socket = socket;
      this.dup2 = dup2;
      this.dup3 = dup3;
    }

    /** As the SYSCALL record writes it ({@code arch=c000003e}). */
    String recordValue() {
      return Integer.toHexString(auditArch);
    }

    /** The ABI of a SYSCALL record's {@code arch}, if it is one of ours. */
    static Optional<Arch> ofRecord(String value) {
      for (Arch a : values()) {
        if (a.recordValue().equals(value)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  /** What a rule of ours audits. */
  enum Kind {
    /** execve, execveat: the exec events. */
    EXEC,
    /** link, linkat, symlink, symlinkat that succeeded: links to or over sensitive files. */
    LINK,
    /** ptrace with request 0 (PTRACE_TRACEME): a process asking its parent to trace it. */
    TRACEME,
    /** socket with family AF_PACKET (17) that succeeded: a packet socket opened. */
    PACKET,
    /**
     * dup2, dup3 onto descriptor 0, 1 or 2 that succeeded: a program redirecting its own standard
     * input, output or error (dup has no target descriptor: not audited).
     */
    STDIO_DUP;

    /**
     * The syscalls of this kind on {@code arch}; the first is the one a listed rule is recognised
     * by.
     */
    int[] syscalls(Arch arch) {
      return switch (this) {
        case EXEC -> new int[] {arch.execve, arch.execveat};
        case LINK -> new int[] {arch.symlink, arch.symlinkat, arch.link, arch.linkat};
        case TRACEME -> new int[] {arch.ptrace};
        case PACKET -> new int[] {arch.socket};
        case STDIO_DUP -> new int[] {arch.dup2, arch.dup3};
      };
    }
  }

  /** The key that marks the rule, and every record it produces, as ours. */
  static final String KEY = "dockward";

  static final int AUDIT_FILTER_EXIT = 0x04;
  static final int AUDIT_ALWAYS = 2;
  static final int AUDIT_ARCH = 11;
  static final int AUDIT_FILTERKEY = 210;
  static final int AUDIT_SUCCESS = 104;
  static final int AUDIT_ARG0 = 200;
  static final int AF_PACKET = 17;
  static final int AUDIT_ARG1 = 201;
  static final int AUDIT_EQUAL = 0x40000000;
  static final int AUDIT_WATCH = 105;
  static final int AUDIT_PERM = 106;

  /**
   * {@code AUDIT_PERM_READ}: opens for reading (and the other calls of the kernel's read class).
   */
  static final int AUDIT_PERM_READ = 4;

  /**
   * {@code AUDIT_LESS_THAN | AUDIT_EQUAL}: arguments compare unsigned, so a1 <= 2 is 0, 1, 2 only.
   */
  static final int AUDIT_LESS_THAN_OR_EQUAL = 0x50000000;

  /** {@code AUDIT_BITMASK_SIZE} and {@code AUDIT_MAX_FIELDS}. */
  static final int BITMASK_WORDS = 64;

  static final int MAX_FIELDS = 64;

  /** flags, action, field_count, mask, fields, values, fieldflags, buflen. */
  static final int FIXED_SIZE = 4 * 3 + 4 * BITMASK_WORDS + 3 * 4 * MAX_FIELDS + 4;

  private static final int MASK_AT = 12;
  private static final int FIELDS_AT = MASK_AT + 4 * BITMASK_WORDS;
  private static final int VALUES_AT = FIELDS_AT + 4 * MAX_FIELDS;
  private static final int BUFLEN_AT = VALUES_AT + 2 * 4 * MAX_FIELDS;

  private AuditRule() {}

  /** The rule's bytes: exit list, always, the arch, its execve and execveat, key {@value #KEY}. */
  static byte[] execRule(Arch arch) {
    return rule(Kind.EXEC, arch);
  }

  /**
   * A rule of ours: exit list, always, the arch, the kind's syscalls, its own filter ({@code
   * success=1} for links, {@code a0=0} for PTRACE_TRACEME, {@code success=1 a0=17} for packet
   * sockets, {@code success=1 a1<=2} for dups onto standard descriptors), key {@value #KEY}.
   */
  static byte[] rule(Kind kind, Arch arch) {
    byte[] key = KEY.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(FIXED_SIZE + key.length).order(ByteOrder.nativeOrder());
    b.putInt(0, AUDIT_FILTER_EXIT).putInt(4, AUDIT_ALWAYS);
    int[] mask = new int[BITMASK_WORDS];
    for (int nr : kind.syscalls(arch)) {
      mask[nr / 32] |= 1 << (nr % 32);
    }
    for (int i = 0; i < BITMASK_WORDS; i++) {
      b.putInt(MASK_AT + 4 * i, mask[i]);
    }
    int fields = 0;
    field(b, fields++, AUDIT_ARCH, arch.auditArch);
    switch (kind) {
      case LINK -> field(b, fields++, AUDIT_SUCCESS, 1);
      case TRACEME -> field(b, fields++, AUDIT_ARG0, 0);
      case PACKET -> {
        field(b, fields++, AUDIT_SUCCESS, 1);
        field(b, fields++, AUDIT_ARG0, AF_PACKET);
      }
      case STDIO_DUP -> {
        field(b, fields++, AUDIT_SUCCESS, 1);
        field(b, fields++, AUDIT_ARG1, 2, AUDIT_LESS_THAN_OR_EQUAL);
      }
      case EXEC -> {}
    }
    field(b, fields++, AUDIT_FILTERKEY, key.length);
    b.putInt(8, fields);
    b.putInt(BUFLEN_AT, key.length);
    b.position(FIXED_SIZE);
    b.put(key);
    return b.array();
  }

  /**
   * A read watch of ours on one file, what {@code auditctl -w PATH -p r -k dockward} sends: exit
   * list, always, every syscall (the kernel narrows a watch to the calls of its permission class:
   * opens for reading), the watched path, permission read, key {@value #KEY}. The kernel files it
   * under the inode of {@code path} (found through the path's parent, which must exist), so an open
   * of any other file does not meet it.
   *
   * @param path an absolute path without a trailing slash (a container's file through {@code
   *     /proc/<init pid>/root})
   */
  static byte[] watch(String path) {
    if (!path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("not a watchable path: " + path);
    }
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    byte[] key = KEY.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b =
        ByteBuffer.allocate(FIXED_SIZE + name.length + key.length).order(ByteOrder.nativeOrder());
    b.putInt(0, AUDIT_FILTER_EXIT).putInt(4, AUDIT_ALWAYS);
    for (int i = 0; i < BITMASK_WORDS; i++) {
      b.putInt(MASK_AT + 4 * i, 0xffffffff);
    }
    field(b, 0, AUDIT_WATCH, name.length);
    field(b, 1, AUDIT_PERM, AUDIT_PERM_READ);
    field(b, 2, AUDIT_FILTERKEY, key.length);
    b.putInt(8, 3);
    b.putInt(BUFLEN_AT, name.length + key.length);
    b.position(FIXED_SIZE);
    b.put(name);
    b.put(key);
    return b.array();
  }

  /**
   * The path a listed rule watches if it is a watch of ours (key {@value #KEY}); empty for any
   * other rule.
   */
  static Optional<String> ourWatch(byte[] rule) {
    if (rule.length < FIXED_SIZE) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(rule).order(ByteOrder.nativeOrder());
    if ((b.getInt(0) & 0x07) != AUDIT_FILTER_EXIT) {
      return Optional.empty();
    }
    int count = Math.min(b.getInt(8), MAX_FIELDS);
    int bufLength = b.getInt(BUFLEN_AT);
    int at = 0;
    String watched = null;
    boolean ours = false;
    for (int i = 0; i < count; i++) {
      int field = b.getInt(FIELDS_AT + 4 * i);
      int value = b.getInt(VALUES_AT + 4 * i);
      if (!isStringField(field)) {
        continue;
      }
      if (value < 0 || at + value > bufLength || FIXED_SIZE + at + value > rule.length) {
        return Optional.empty();
      }
      String text = new String(rule, FIXED_SIZE + at, value, StandardCharsets.UTF_8);
      if (field == AUDIT_WATCH) {
        watched = text;
      } else if (field == AUDIT_FILTERKEY && text.equals(KEY)) {
        ours = true;
      }
      at += value;
    }
    return ours && watched != null ? Optional.of(watched) : Optional.empty();
  }

  /**
   * Whether a listed rule is our {@code kind} of rule for {@code arch} (see {@link #isOurs(byte[],
   * Arch)}).
   */
  static boolean isOurs(byte[] rule, Kind kind, Arch arch) {
    return isOurs(rule, arch, kind.syscalls(arch)[0]);
  }

  /**
   * Whether a listed rule is our rule for {@code arch}: on the exit list, always, for that arch,
   * with its execve in the syscall mask and key {@value #KEY}. (The kernel lists string fields'
   * text in {@code buf}, one after another.)
   */
  static boolean isOurs(byte[] rule, Arch arch) {
    return isOurs(rule, arch, arch.execve);
  }

  private static boolean isOurs(byte[] rule, Arch arch, int probe) {
    if (rule.length < FIXED_SIZE) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(rule).order(ByteOrder.nativeOrder());
    int flags = b.getInt(0);
    if ((flags & 0x07) != AUDIT_FILTER_EXIT || b.getInt(4) != AUDIT_ALWAYS) {
      return false;
    }
    if ((b.getInt(MASK_AT + 4 * (probe / 32)) & (1 << (probe % 32))) == 0) {
      return false;
    }
    boolean archMatches = false;
    for (int i = 0; i < Math.min(b.getInt(8), MAX_FIELDS); i++) {
      if (b.getInt(FIELDS_AT + 4 * i) == AUDIT_ARCH
          && b.getInt(VALUES_AT + 4 * i) == arch.auditArch) {
        archMatches = true;
      }
    }
    if (!archMatches) {
      return false;
    }
    int count = Math.min(b.getInt(8), MAX_FIELDS);
    int bufLength = b.getInt(BUFLEN_AT);
    int at = 0;
    for (int i = 0; i < count; i++) {
      int field = b.getInt(FIELDS_AT + 4 * i);
      int value = b.getInt(VALUES_AT + 4 * i);
      if (isStringField(field)) {
        if (value < 0 || at + value > bufLength || FIXED_SIZE + at + value > rule.length) {
          return false;
        }
        if (field == AUDIT_FILTERKEY
            && new String(rule, FIXED_SIZE + at, value, StandardCharsets.US_ASCII).equals(KEY)) {
          return true;
        }
        at += value;
      }
    }
    return false;
  }

  /**
   * Fields whose value is a length of text in {@code buf} (subject labels, watch, dir, key, exe…).
   */
  private static boolean isStringField(int field) {
    return (field >= 13 && field <= 17) // AUDIT_SUBJ_USER … AUDIT_SUBJ_CLR
        || (field >= 19 && field <= 23) // AUDIT_OBJ_USER … AUDIT_OBJ_LEV_HIGH
        || field == 105
        || field == 107 // AUDIT_WATCH, AUDIT_DIR
        || field == 112 // AUDIT_EXE
        || field == AUDIT_FILTERKEY;
  }

  private static void field(ByteBuffer b, int index, int field, int value) {
    field(b, index, field, value, AUDIT_EQUAL);
  }

  private static void field(ByteBuffer b, int index, int field, int value, int op) {
    b.putInt(FIELDS_AT + 4 * index, field);
    b.putInt(VALUES_AT + 4 * index, value);
    b.putInt(VALUES_AT + 4 * MAX_FIELDS + 4 * index, op);
  }
}
