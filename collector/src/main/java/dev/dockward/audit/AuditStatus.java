package dev.dockward.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The kernel's {@code struct audit_status} (the reply to AUDIT_GET): the fields Dockward reads and,
 * with a mask, sets.
 *
 * @param enabled 0 off, 1 on, 2 on and locked until reboot
 * @param pid the process that receives the records (auditd, or us), 0 for none
 * @param backlogLimit how many records the kernel queues before making tasks wait or dropping
 * @param lost records the kernel dropped since boot (backlog full, no reader, rate limit)
 * @param backlog records queued now
 */
record AuditStatus(
    int enabled, int failure, int pid, int rateLimit, int backlogLimit, long lost, int backlog) {
  static final int MASK_ENABLED = 0x1;
  static final int MASK_PID = 0x4;
  static final int MASK_BACKLOG_LIMIT = 0x10;

  /** mask, enabled, failure, pid, rate_limit, backlog_limit, lost, backlog, version, wait_time. */
  static final int SET_SIZE = 40;

  private static final int READ_SIZE = 32;

  /** Parses the start of an AUDIT_GET payload; empty when too short. */
  static Optional<AuditStatus> parse(byte[] b, int offset, int length) {
    if (length < READ_SIZE) {
      return Optional.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(b, offset, length).order(ByteOrder.nativeOrder());
    in.getInt(); // mask
    int enabled = in.getInt();
    int failure = in.getInt();
    int pid = in.getInt();
    int rateLimit = in.getInt();
    int backlogLimit = in.getInt();
    long lost = Integer.toUnsignedLong(in.getInt());
    int backlog = in.getInt();
    return Optional.of(
        new AuditStatus(enabled, failure, pid, rateLimit, backlogLimit, lost, backlog));
  }

  /** An AUDIT_SET payload that changes only what {@code mask} names. */
  static byte[] set(int mask, int enabled, int pid, int backlogLimit) {
    ByteBuffer out = ByteBuffer.allocate(SET_SIZE).order(ByteOrder.nativeOrder());
    out.putInt(mask).putInt(enabled).putInt(0).putInt(pid).putInt(0).putInt(backlogLimit);
    return out.array();
  }
}
