package dev.dockward.audit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Puts the records of one audited link, PTRACE_TRACEME, packet socket, dup or watched open call
 * back together, as {@link AuditEventAssembler} does for execs: a SYSCALL record of one of those
 * calls (successful; a ptrace only with request 0, a socket only of family AF_PACKET, an open only
 * with our key) opens the event, CWD and PATH add to it, EOE completes it. Records of other serials
 * are ignored, so both assemblers can be given every record. Open events are bounded like the exec
 * assembler's. Used by one thread.
 */
final class AuditCallAssembler {
  private static final String PTRACE_TRACEME = "0";

  /** Our key as a SYSCALL record writes it. */
  private static final String OUR_KEY = "\"" + AuditRule.KEY + "\"";

  /** AF_PACKET as the record writes a0. */
  private static final String AF_PACKET = "11";

  private final int maxOpen;
  private final Map<Long, Open> open = new LinkedHashMap<>();
  private long evicted;

  AuditCallAssembler(int maxOpen) {
    if (maxOpen <= 0) {
      throw new IllegalArgumentException("maxOpen must be positive: " + maxOpen);
    }
    this.maxOpen = maxOpen;
  }

  /** Adds one record; returns the call it completed, if it completed one. */
  Optional<AuditCall> accept(AuditRecord record) {
    if (record.type() == AuditRecord.SYSCALL) {
      startIfOurs(record);
      return Optional.empty();
    }
    Open event = open.get(record.serial());
    if (event == null) {
      return Optional.empty();
    }
    switch (record.type()) {
      case AuditRecord.CWD ->
          event.cwd = AuditRecordParser.fields(record.body()).getOrDefault("cwd", "");
      case AuditRecord.PATH -> event.items.add(item(AuditRecordParser.fields(record.body())));
      case AuditRecord.EOE -> {
        open.remove(record.serial());
        return Optional.of(finish(record, event));
      }
      default -> {} // PROCTITLE and others: the process is read from /proc
    }
    return Optional.empty();
  }

  /** Calls given up because too many were open. */
  long evicted() {
    return evicted;
  }

  /** Which of our calls a SYSCALL record's {@code arch} and {@code syscall} name, if one. */
  static Optional<AuditCall.Call> call(String arch, String syscall, String a0) {
    Optional<AuditRule.Arch> abi = AuditRule.Arch.ofRecord(arch);
    if (abi.isEmpty()) {
      return Optional.empty();
    }
    int nr;
    try {
      nr = Integer.parseInt(syscall);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    AuditRule.Arch a = abi.get();
    if (nr == a.link) {
      return Optional.of(AuditCall.Call.LINK);
    } else if (nr == a.linkat) {
      return Optional.of(AuditCall.Call.LINKAT);
    } else if (nr == a.symlink) {
      return Optional.of(AuditCall.Call.SYMLINK);
    } else if (nr == a.symlinkat) {
      return Optional.of(AuditCall.Call.SYMLINKAT);
    } else if (nr == a.ptrace && PTRACE_TRACEME.equals(a0)) {
      return Optional.of(AuditCall.Call.PTRACE_TRACEME);
    } else if (nr == a.socket && AF_PACKET.equals(a0)) {
      return Optional.of(AuditCall.Call.PACKET_SOCKET);
    } else if (nr == a.dup2) {
      return Optional.of(AuditCall.Call.DUP2);
    } else if (nr == a.dup3) {
      return Optional.of(AuditCall.Call.DUP3);
    }
    return Optional.empty();
  }

  /**
   * The open call a SYSCALL record names, if it is one and was heard by a rule of ours ({@code
   * key="dockward"}): our exec and call rules do not audit opens, so it was one of our read
   * watches. Another rule's open (an audit daemon's own watch, in reader mode) is not ours.
   */
  static Optional<AuditCall.Call> openCall(String arch, String syscall, String key) {
    if (!OUR_KEY.equals(key)) {
      return Optional.empty();
    }
    Optional<AuditRule.Arch> abi = AuditRule.Arch.ofRecord(arch);
    if (abi.isEmpty()) {
      return Optional.empty();
    }
    boolean b64 = abi.get() == AuditRule.Arch.B64;
    return switch (syscall) {
      case "2" -> b64 ? Optional.of(AuditCall.Call.OPEN) : Optional.empty();
      case "257" -> b64 ? Optional.of(AuditCall.Call.OPENAT) : Optional.empty();
      case "5" -> b64 ? Optional.empty() : Optional.of(AuditCall.Call.OPEN);
      case "295" -> b64 ? Optional.empty() : Optional.of(AuditCall.Call.OPENAT);
      case "437" -> Optional.of(AuditCall.Call.OPENAT2); // the same number on both ABIs
      default -> Optional.empty();
    };
  }

  private void startIfOurs(AuditRecord record) {
    Map<String, String> f = AuditRecordParser.fields(record.body());
    Optional<AuditCall.Call> call =
        call(f.getOrDefault("arch", ""), f.getOrDefault("syscall", ""), f.getOrDefault("a0", ""))
            .or(
                () ->
                    openCall(
                        f.getOrDefault("arch", ""),
                        f.getOrDefault("syscall", ""),
                        f.getOrDefault("key", "")));
    if (call.isEmpty() || !"yes".equals(f.get("success"))) {
      return;
    }
    OptionalInt pid = number(f.get("pid"));
    OptionalInt ppid = number(f.get("ppid"));
    if (pid.isEmpty() || ppid.isEmpty()) {
      return;
    }
    if (open.size() >= maxOpen) {
      Iterator<Long> oldest = open.keySet().iterator();
      oldest.next();
      oldest.remove();
      evicted++;
    }
    open.put(record.serial(), new Open(call.get(), pid.getAsInt(), ppid.getAsInt(), f));
  }

  private static AuditCall finish(AuditRecord eoe, Open event) {
    Map<String, String> s = event.syscall;
    List<String> args = new ArrayList<>(4);
    for (int i = 0; i < 4; i++) {
      args.add(s.getOrDefault("a" + i, ""));
    }
    return new AuditCall(
        eoe.epochMillis(),
        eoe.serial(),
        event.call,
        event.pid,
        event.ppid,
        number(s.get("uid")),
        number(s.get("euid")),
        AuditRecordParser.untrusted(s.getOrDefault("comm", "(null)")),
        AuditRecordParser.untrusted(s.getOrDefault("exe", "(null)")),
        args,
        exit(s.get("exit")),
        event.cwd.isEmpty() ? "" : AuditRecordParser.untrusted(event.cwd),
        event.items);
  }

  private static AuditCall.Item item(Map<String, String> f) {
    long inode;
    try {
      inode = f.containsKey("inode") ? Long.parseLong(f.get("inode")) : -1;
    } catch (NumberFormatException e) {
      inode = -1;
    }
    return new AuditCall.Item(
        AuditRecordParser.untrusted(f.getOrDefault("name", "(null)")),
        inode,
        f.getOrDefault("nametype", ""));
  }

  private static long exit(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static OptionalInt number(String s) {
    if (s == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseUnsignedInt(s));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** A call whose EOE has not come yet. */
  private static final class Open {
    final AuditCall.Call call;
    final int pid;
    final int ppid;
    final Map<String, String> syscall;
    final List<AuditCall.Item> items = new ArrayList<>(3);
    String cwd = "";

    Open(AuditCall.Call call, int pid, int ppid, Map<String, String> syscall) {
      this.call = call;
      this.pid = pid;
      this.ppid = ppid;
      this.syscall = syscall;
    }
  }
}
