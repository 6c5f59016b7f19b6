package dev.dockward.audit;

import dev.dockward.proc.ProcText;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Puts the records of one exec (64- or 32-bit) back together. The kernel writes an audited
 * syscall's records at its exit, SYSCALL first and EOE last, all with the event's serial; records
 * of events on other CPUs may come in between. A SYSCALL record of a successful {@code
 * execve}/{@code execveat} opens an event; EXECVE (possibly several, when the arguments are long),
 * CWD, PATH and PROCTITLE add to it; EOE completes it. Records of any other serial are ignored.
 * Open events are bounded: past {@code maxOpen} the oldest is given up and counted ({@link
 * #evicted}). Used by one thread.
 */
final class AuditEventAssembler {
  private final int maxOpen;
  private final Map<Long, Open> open = new LinkedHashMap<>();
  private long evicted;
  private long failedExecs;
  private long malformed;

  AuditEventAssembler(int maxOpen) {
    if (maxOpen <= 0) {
      throw new IllegalArgumentException("maxOpen must be positive: " + maxOpen);
    }
    this.maxOpen = maxOpen;
  }

  /** Adds one record; returns the exec it completed, if it completed one. */
  Optional<AuditExec> accept(AuditRecord record) {
    if (record.type() == AuditRecord.SYSCALL) {
      startIfExec(record);
      return Optional.empty();
    }
    Open event = open.get(record.serial());
    if (event == null) {
      return Optional.empty();
    }
    switch (record.type()) {
      case AuditRecord.EXECVE -> event.execve.putAll(AuditRecordParser.fields(record.body()));
      case AuditRecord.CWD ->
          event.cwd = AuditRecordParser.fields(record.body()).getOrDefault("cwd", "");
      case AuditRecord.PATH -> event.paths.add(path(AuditRecordParser.fields(record.body())));
      case AuditRecord.PROCTITLE ->
          event.proctitle = AuditRecordParser.fields(record.body()).getOrDefault("proctitle", "");
      case AuditRecord.EOE -> {
        open.remove(record.serial());
        return finish(record, event);
      }
      default -> {} // BPRM_FCAPS and other auxiliary records: not used
    }
    return Optional.empty();
  }

  /** Exec events opened but not yet ended. */
  int open() {
    return open.size();
  }

  /** Events given up because too many were open (their EOE never came, or came too late). */
  long evicted() {
    return evicted;
  }

  /** execve/execveat calls that failed (a shell trying each directory of PATH): not events. */
  long failedExecs() {
    return failedExecs;
  }

  /** SYSCALL records without the fields an exec needs. */
  long malformed() {
    return malformed;
  }

  private void startIfExec(AuditRecord record) {
    Map<String, String> f = AuditRecordParser.fields(record.body());
    Optional<AuditRule.Arch> arch = AuditRule.Arch.ofRecord(f.getOrDefault("arch", ""));
    String syscall = f.getOrDefault("syscall", "");
    if (arch.isEmpty()
        || !(syscall.equals(Integer.toString(arch.get().execve))
            || syscall.equals(Integer.toString(arch.get().execveat)))) {
      return;
    }
    if (!"yes".equals(f.get("success"))) {
      failedExecs++;
      return;
    }
    OptionalInt pid = number(f.get("pid"));
    OptionalInt ppid = number(f.get("ppid"));
    if (pid.isEmpty() || ppid.isEmpty()) {
      malformed++;
      return;
    }
    if (open.size() >= maxOpen) {
      Iterator<Long> oldest = open.keySet().iterator();
      oldest.next();
      oldest.remove();
      evicted++;
    }
    open.put(record.serial(), new Open(pid.getAsInt(), ppid.getAsInt(), f));
  }

  private static Optional<AuditExec> finish(AuditRecord eoe, Open event) {
    Map<String, String> s = event.syscall;
    OptionalInt argc = number(event.execve.get("argc"));
    Arguments args = arguments(event.execve, argc.orElse(0));
    List<String> argv = args.argv();
    String key = s.getOrDefault("key", "(null)");
    return Optional.of(
        new AuditExec(
            eoe.epochMillis(),
            eoe.serial(),
            event.pid,
            event.ppid,
            number(s.get("uid")),
            number(s.get("euid")),
            AuditRecordParser.untrusted(s.getOrDefault("comm", "(null)")),
            AuditRecordParser.untrusted(s.getOrDefault("exe", "(null)")),
            argv,
            argc.orElse(argv.size()),
            argc.isPresent() && args.complete(),
            event.cwd.isEmpty() ? "" : AuditRecordParser.untrusted(event.cwd),
            event.paths,
            proctitle(event.proctitle),
            AuditRecordParser.untrusted(key)));
  }

  /** The arguments found, and whether they are all there whole. */
  record Arguments(List<String> argv, boolean complete) {}

  /**
   * argv from an EXECVE record's fields: {@code aN} whole, or a long one in pieces {@code aN[0]},
   * {@code aN[1]}, … after {@code aN_len} (the length as written: hex digits, or characters between
   * quotes). Stops at the first argument missing, and a long one at its first missing piece: a
   * record of the event was lost, and what follows it is unknown.
   */
  static Arguments arguments(Map<String, String> execve, int argc) {
    List<String> argv = new ArrayList<>(argc);
    boolean complete = true;
    for (int i = 0; i < argc; i++) {
      String whole = execve.get("a" + i);
      if (whole != null) {
        argv.add(AuditRecordParser.untrusted(whole));
        continue;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      long written = 0;
      int piece = 0;
      for (String raw; (raw = execve.get("a" + i + "[" + piece + "]")) != null; piece++) {
        bytes.writeBytes(AuditRecordParser.untrustedBytes(raw));
        written += raw.startsWith("\"") ? raw.length() - 2 : raw.length();
      }
      if (piece == 0) {
        complete = false;
        break;
      }
      argv.add(ProcText.decode(bytes.toByteArray()));
      String expected = execve.get("a" + i + "_len");
      if (expected == null || !expected.equals(Long.toString(written))) {
        complete = false;
        break;
      }
    }
    return new Arguments(argv, complete && argv.size() == argc);
  }

  private static String proctitle(String raw) {
    if (raw.isEmpty()) {
      return "";
    }
    byte[] b = AuditRecordParser.untrustedBytes(raw);
    return ProcText.cmdline(b, b.length);
  }

  private static AuditExec.PathItem path(Map<String, String> f) {
    long inode = -1;
    try {
      inode = f.containsKey("inode") ? Long.parseLong(f.get("inode")) : -1;
    } catch (NumberFormatException e) {
      inode = -1;
    }
    return new AuditExec.PathItem(
        AuditRecordParser.untrusted(f.getOrDefault("name", "(null)")),
        inode,
        f.getOrDefault("dev", ""),
        f.getOrDefault("mode", ""));
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

  /** An exec whose EOE has not come yet. */
  private static final class Open {
    final int pid;
    final int ppid;
    final Map<String, String> syscall;
    final Map<String, String> execve = new LinkedHashMap<>();
    final List<AuditExec.PathItem> paths = new ArrayList<>(2);
    String cwd = "";
    String proctitle = "";

    Open(int pid, int ppid, Map<String, String> syscall) {
      this.pid = pid;
      this.ppid = ppid;
      this.syscall = syscall;
    }
  }
}
