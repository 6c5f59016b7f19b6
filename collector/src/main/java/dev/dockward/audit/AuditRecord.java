package dev.dockward.audit;

import java.util.Objects;

/**
 * One record of the kernel's audit stream: its message type, the event it belongs to (the {@code
 * audit(<seconds>.<millis>:<serial>)} stamp shared by every record of one event) and its text after
 * the stamp.
 *
 * @param type the netlink message type ({@code 1300} SYSCALL, {@code 1309} EXECVE, {@code 1320}
 *     EOE, …)
 * @param epochMillis the event's wall-clock time
 * @param serial the event's serial number
 * @param body the {@code key=value} fields, as the kernel wrote them
 */
record AuditRecord(int type, long epochMillis, long serial, String body) {
  static final int SYSCALL = 1300;
  static final int PATH = 1302;
  static final int CONFIG_CHANGE = 1305;
  static final int CWD = 1307;
  static final int EXECVE = 1309;
  static final int EOE = 1320;
  static final int PROCTITLE = 1327;

  AuditRecord {
    Objects.requireNonNull(body, "body");
  }
}
