package dev.dockward.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Dockward takes from the audit subsystem, and gives back exactly. When no process owns the
 * audit pid it becomes the owner ({@link Mode#OWNER}: the records come to its socket); when one
 * does (auditd) it reads a copy of every record through the multicast group ({@link Mode#READER})
 * and never touches the owner or its rules. Either way it turns auditing on if it was off, raises a
 * small backlog limit while it owns the pid, and adds its rules (exec, links, PTRACE_TRACEME,
 * packet sockets; 64- and 32-bit) and, as asked, read watches on single files, all keyed {@value
 * AuditRule#KEY}. On {@link #close} it deletes its rules, puts back the backlog limit and the
 * enabled flag it found and clears the pid it set: the machine is left as it was. Thread-safe.
 */
final class AuditControl implements AutoCloseable {
  /** How the records reach us. */
  enum Mode {
    /** We are the audit pid (no audit daemon ran). */
    OWNER,
    /** Another process (auditd) is the audit pid: we read the multicast copy. */
    READER;

    String label() {
      return this == OWNER ? "owner" : "reader";
    }
  }

  /**
   * The backlog asked for while we own the pid: bursts of execs fill a boot-time default of 64 at
   * once.
   */
  static final int OWNER_BACKLOG = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(AuditControl.class);
  private static final Duration CONTROL_TIMEOUT = Duration.ofMillis(500);

  private final AuditSocket control;
  private final AuditSocket records;
  private final Mode mode;
  private final AuditStatus found;
  private final int ourPid;

  /** One of our rules: what it audits, for which ABI. */
  private record Slot(AuditRule.Kind kind, AuditRule.Arch arch) {}

  /** Our rules once added (a kernel without 32-bit emulation may refuse the b32 ones). */
  private final Map<Slot, byte[]> rules = new LinkedHashMap<>();

  /** Our read watches by the path they watch, in the order added. */
  private final Map<String, byte[]> watches = new LinkedHashMap<>();

  /** Watches the kernel refused when {@link #ensureRule} put them back (their directory went). */
  private long watchesGoneOnReinstall;

  private boolean enabledByUs;
  private boolean backlogRaised;
  private boolean closed;

  private AuditControl(
      AuditSocket control, AuditSocket records, Mode mode, AuditStatus found, int ourPid) {
    this.control = control;
    this.records = records;
    this.mode = mode;
    this.found = found;
    this.ourPid = ourPid;
  }

  /**
   * Takes what the source needs: the pid or the multicast group, auditing on, the rule.
   *
   * @param socketBufferBytes the records socket's kernel buffer
   * @param receiveTimeout how long a receive on the records socket waits (so its thread notices a
   *     close)
   * @throws AuditUnavailableException when the kernel has no audit, the agent lacks the privilege,
   *     or auditing is locked; whatever was taken before the failure is given back first
   */
  static AuditControl take(int socketBufferBytes, Duration receiveTimeout)
      throws AuditUnavailableException {
    AuditSocket control = AuditSocket.open(0, 0, CONTROL_TIMEOUT);
    AuditStatus status;
    try {
      status = control.status();
    } catch (AuditSocket.RequestFailed e) {
      control.close();
      throw new AuditUnavailableException(
          e.errno == AuditLibC.EPERM
              ? "reading the audit status needs CAP_AUDIT_CONTROL"
              : "cannot read the audit status: " + e.getMessage(),
          e);
    }
    if (status.enabled() == 2 && status.pid() == 0) {
      control.close();
      throw new AuditUnavailableException(
          "auditing is locked (enabled=2) and no audit daemon runs");
    }
    int ourPid = AuditLibC.getpid();
    AuditControl taken = null;
    try {
      if (status.pid() == 0) {
        AuditSocket records = AuditSocket.open(0, socketBufferBytes, receiveTimeout);
        try {
          records.acknowledged(
              "AUDIT_SET pid",
              AuditSocket.AUDIT_SET,
              AuditStatus.set(AuditStatus.MASK_PID, 0, ourPid, 0));
          taken = new AuditControl(control, records, Mode.OWNER, status, ourPid);
        } catch (AuditSocket.RequestFailed e) {
          records.close();
          if (e.errno != AuditLibC.EEXIST) {
            throw e;
          }
          status = control.status(); // an audit daemon started meanwhile: read beside it
        }
      }
      if (taken == null) {
        taken =
            new AuditControl(
                control,
                AuditSocket.open(AuditSocket.GROUP_READLOG, socketBufferBytes, receiveTimeout),
                Mode.READER,
                status,
                ourPid);
      }
      taken.enableAndAddRule();
      LOG.info(
          "audit: {} (found enabled={} pid={} backlog_limit={} lost={})",
          taken.mode.label(),
          status.enabled(),
          status.pid(),
          status.backlogLimit(),
          status.lost());
      return taken;
    } catch (AuditSocket.RequestFailed e) {
      if (taken != null) {
        taken.close();
      } else {
        control.close();
      }
      throw new AuditUnavailableException(
          e.errno == AuditLibC.EPERM
              ? "changing audit settings and rules needs CAP_AUDIT_CONTROL (" + e.getMessage() + ")"
              : "cannot set up auditing: " + e.getMessage(),
          e);
    } catch (AuditUnavailableException | RuntimeException e) {
      if (taken != null) {
        taken.close();
      } else {
        control.close();
      }
      throw e;
    }
  }

  private synchronized void enableAndAddRule() throws AuditSocket.RequestFailed {
    if (found.enabled() == 0) {
      control.acknowledged(
          "AUDIT_SET enabled",
          AuditSocket.AUDIT_SET,
          AuditStatus.set(AuditStatus.MASK_ENABLED, 1, 0, 0));
      enabledByUs = true;
    }
    if (mode == Mode.OWNER && found.backlogLimit() < OWNER_BACKLOG) {
      control.acknowledged(
          "AUDIT_SET backlog_limit",
          AuditSocket.AUDIT_SET,
          AuditStatus.set(AuditStatus.MASK_BACKLOG_LIMIT, 0, 0, OWNER_BACKLOG));
      backlogRaised = true;
    }
    for (AuditRule.Kind kind : AuditRule.Kind.values()) {
      for (AuditRule.Arch arch : AuditRule.Arch.values()) {
        byte[] rule = AuditRule.rule(kind, arch);
        try {
          addRule(rule);
          rules.put(new Slot(kind, arch), rule);
        } catch (AuditSocket.RequestFailed e) {
          if (kind == AuditRule.Kind.EXEC && arch == AuditRule.Arch.B64) {
            throw e;
          }
          // Only the 64-bit exec rule is essential: without another rule its events are missing,
          // nothing more.
          LOG.warn(
              "audit: the kernel refused the {} {} rule ({}): those calls are not audited",
              arch.name().toLowerCase(Locale.ROOT),
              kind.name().toLowerCase(Locale.ROOT),
              e.getMessage());
        }
      }
    }
  }

  /** Adds a rule; true when it was missing (false when it is there already). */
  private boolean addRule(byte[] rule) throws AuditSocket.RequestFailed {
    try {
      control.acknowledged("AUDIT_ADD_RULE", AuditSocket.AUDIT_ADD_RULE, rule);
      return true;
    } catch (AuditSocket.RequestFailed e) {
      if (e.errno == AuditLibC.EEXIST) {
        return false; // ours, left by a run that did not end cleanly: it goes on close like any of
        // ours
      }
      throw e;
    }
  }

  /**
   * Adds a read watch on {@code path} (see {@link AuditRule#watch}). Returns the kernel's refusal,
   * empty when the watch is in place (added now, or there already): a path whose directory does not
   * exist is refused (ENOENT), a missing file in an existing directory is not.
   */
  synchronized Optional<String> addWatch(String path) {
    if (closed) {
      return Optional.of("closed");
    }
    byte[] rule = AuditRule.watch(path);
    try {
      addRule(rule);
      watches.put(path, rule);
      return Optional.empty();
    } catch (AuditSocket.RequestFailed e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Deletes our read watch on {@code path}; one the kernel dropped itself (its directory went with
   * the container) is simply forgotten.
   */
  synchronized void removeWatch(String path) {
    byte[] rule = watches.remove(path);
    if (rule == null || closed) {
      return;
    }
    try {
      control.acknowledged("AUDIT_DEL_RULE", AuditSocket.AUDIT_DEL_RULE, rule);
    } catch (AuditSocket.RequestFailed e) {
      if (e.errno != AuditLibC.ENOENT) {
        LOG.warn("audit: could not delete the read watch on {}: {}", path, e.getMessage());
      }
    }
  }

  /** Watches refused when put back after a deletion, since we started. */
  synchronized long watchesGoneOnReinstall() {
    return watchesGoneOnReinstall;
  }

  /**
   * Puts our rules back if someone deleted them (an {@code auditctl -D}, auditd loading its rules).
   * Returns whether it had to.
   */
  synchronized boolean ensureRule() throws AuditSocket.RequestFailed {
    if (closed) {
      return false;
    }
    List<byte[]> listed = control.rules();
    boolean added = false;
    for (Map.Entry<Slot, byte[]> ours : rules.entrySet()) {
      Slot slot = ours.getKey();
      if (listed.stream().noneMatch(r -> AuditRule.isOurs(r, slot.kind(), slot.arch()))) {
        added |= addRule(ours.getValue());
      }
    }
    Set<String> watchedNow = new HashSet<>();
    for (byte[] r : listed) {
      AuditRule.ourWatch(r).ifPresent(watchedNow::add);
    }
    for (Iterator<Map.Entry<String, byte[]>> it = watches.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, byte[]> w = it.next();
      if (watchedNow.contains(w.getKey())) {
        continue;
      }
      try {
        added |= addRule(w.getValue());
      } catch (AuditSocket.RequestFailed e) {
        // The kernel drops a watch whose directory goes (a container's, removed): not ours to keep.
        it.remove();
        watchesGoneOnReinstall++;
      }
    }
    return added;
  }

  /** The kernel's status now. */
  synchronized Optional<AuditStatus> status() {
    if (closed) {
      return Optional.empty();
    }
    try {
      return Optional.of(control.status());
    } catch (AuditSocket.RequestFailed e) {
      return Optional.empty();
    }
  }

  Mode mode() {
    return mode;
  }

  /** The status found before anything was changed. */
  AuditStatus found() {
    return found;
  }

  /** This process's pid: what the status names as owner while we are it. */
  int ourPid() {
    return ourPid;
  }

  /** The socket the records arrive on. */
  AuditSocket records() {
    return records;
  }

  /**
   * Gives back what was taken, each step on its own (one refusal does not stop the others), then
   * closes.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> failed = new ArrayList<>();
    List<byte[]> ours = new ArrayList<>(rules.values());
    ours.addAll(watches.values());
    for (byte[] rule : ours) {
      try {
        control.acknowledged("AUDIT_DEL_RULE", AuditSocket.AUDIT_DEL_RULE, rule);
      } catch (AuditSocket.RequestFailed e) {
        if (e.errno != AuditLibC.ENOENT) {
          failed.add(e.getMessage()); // ENOENT: someone deleted it already
        }
      }
    }
    if (backlogRaised) {
      set(
          failed,
          "backlog_limit",
          AuditStatus.set(AuditStatus.MASK_BACKLOG_LIMIT, 0, 0, found.backlogLimit()));
    }
    if (enabledByUs) {
      set(failed, "enabled", AuditStatus.set(AuditStatus.MASK_ENABLED, 0, 0, 0));
    }
    if (mode == Mode.OWNER) {
      set(failed, "pid", AuditStatus.set(AuditStatus.MASK_PID, 0, 0, 0));
    }
    records.close();
    control.close();
    if (failed.isEmpty()) {
      LOG.info(
          "audit: settings given back (enabled={}, backlog_limit={}, rules deleted{})",
          found.enabled(),
          found.backlogLimit(),
          mode == Mode.OWNER ? ", audit pid cleared" : "");
    } else {
      LOG.warn("audit: could not give back everything: {}", failed);
    }
  }

  private void set(List<String> failed, String what, byte[] payload) {
    try {
      control.acknowledged("AUDIT_SET " + what, AuditSocket.AUDIT_SET, payload);
    } catch (AuditSocket.RequestFailed e) {
      failed.add(e.getMessage());
    }
  }
}
