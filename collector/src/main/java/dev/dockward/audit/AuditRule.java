package dev.dockward.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Dockward's audit rules as the kernel's {@code struct audit_rule_data}: what
 * {@code auditctl -a always,exit -F arch=b64 -S execve,execveat -k dockward} sends, and the same
 * for 32-bit programs ({@code arch=b32}, where the syscalls have other numbers: a 32-bit binary
 * must not escape the exec events). Also recognises them in an AUDIT_LIST_RULES reply. Pure.
 */
final class AuditRule {
  /** A syscall ABI of x86_64 and its exec syscalls. */
  enum Arch {
    B64(0xc000003e, 59, 322),
    B32(0x40000003, 11, 358);

    final int auditArch;
    final int execve;
    final int execveat;

    Arch(int auditArch, int execve, int execveat) {
      this.auditArch = auditArch;
      this.execve = execve;
      this.execveat = execveat;
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

  /** The key that marks the rule, and every record it produces, as ours. */
  static final String KEY = "dockward";
  static final int AUDIT_FILTER_EXIT = 0x04;
  static final int AUDIT_ALWAYS = 2;
  static final int AUDIT_ARCH = 11;
  static final int AUDIT_FILTERKEY = 210;
  static final int AUDIT_EQUAL = 0x40000000;
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
    byte[] key = KEY.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(FIXED_SIZE + key.length).order(ByteOrder.nativeOrder());
    b.putInt(0, AUDIT_FILTER_EXIT).putInt(4, AUDIT_ALWAYS).putInt(8, 2);
    int[] mask = new int[BITMASK_WORDS];
    for (int nr : new int[] {arch.execve, arch.execveat}) {
      mask[nr / 32] |= 1 << (nr % 32);
    }
    for (int i = 0; i < BITMASK_WORDS; i++) {
      b.putInt(MASK_AT + 4 * i, mask[i]);
    }
    field(b, 0, AUDIT_ARCH, arch.auditArch);
    field(b, 1, AUDIT_FILTERKEY, key.length);
    b.putInt(BUFLEN_AT, key.length);
    b.position(FIXED_SIZE);
    b.put(key);
    return b.array();
  }

  /**
   * Whether a listed rule is our rule for {@code arch}: on the exit list, always, for that arch,
   * with its execve in the syscall mask and key {@value #KEY}. (The kernel lists string fields'
   * text in {@code buf}, one after another.)
   */
  static boolean isOurs(byte[] rule, Arch arch) {
    if (rule.length < FIXED_SIZE) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(rule).order(ByteOrder.nativeOrder());
    int flags = b.getInt(0);
    if ((flags & 0x07) != AUDIT_FILTER_EXIT || b.getInt(4) != AUDIT_ALWAYS) {
      return false;
    }
    int execve = arch.execve;
    if ((b.getInt(MASK_AT + 4 * (execve / 32)) & (1 << (execve % 32))) == 0) {
      return false;
    }
    boolean archMatches = false;
    for (int i = 0; i < Math.min(b.getInt(8), MAX_FIELDS); i++) {
      if (b.getInt(FIELDS_AT + 4 * i) == AUDIT_ARCH && b.getInt(VALUES_AT + 4 * i) == arch.auditArch) {
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

  /** Fields whose value is a length of text in {@code buf} (subject labels, watch, dir, key, exe…). */
  private static boolean isStringField(int field) {
    return (field >= 13 && field <= 17) // AUDIT_SUBJ_USER … AUDIT_SUBJ_CLR
        || (field >= 19 && field <= 23) // AUDIT_OBJ_USER … AUDIT_OBJ_LEV_HIGH
        || field == 105 || field == 107 // AUDIT_WATCH, AUDIT_DIR
        || field == 112 // AUDIT_EXE
        || field == AUDIT_FILTERKEY;
  }

  private static void field(ByteBuffer b, int index, int field, int value) {
    b.putInt(FIELDS_AT + 4 * index, field);
    b.putInt(VALUES_AT + 4 * index, value);
    b.putInt(VALUES_AT + 4 * MAX_FIELDS + 4 * index, AUDIT_EQUAL);
  }
}
