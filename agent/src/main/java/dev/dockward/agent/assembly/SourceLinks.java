package dev.dockward.agent.assembly;

import dev.dockward.docker.DaemonEvent;
import dev.dockward.execfile.ExecFiles;
import dev.dockward.proc.SeenProcesses;
import dev.dockward.source.SocketClaims;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What sources tell each other, so that each factory builds its source alone whatever else is on:
 * the Docker source passes daemon events on, the /proc scan offers a rescan, the audit source says
 * while it reports exec events and shares with the host watch the packet sockets it reported, the
 * exec file watch offers netlink the files execs opened.
 */
final class SourceLinks {
  private final AtomicBoolean auditReportsExecs = new AtomicBoolean();
  private final SocketClaims packetSockets = new SocketClaims();
  private final SeenProcesses seen = new SeenProcesses();
  private final List<Consumer<DaemonEvent>> daemonListeners = new CopyOnWriteArrayList<>();
  private volatile Runnable processRescan = () -> {};
  private volatile ExecFiles execFiles = ExecFiles.NONE;

  /** Set while the audit source reports exec events; netlink keeps the rest. */
  AtomicBoolean auditReportsExecs() {
    return auditReportsExecs;
  }

  /**
   * Packet sockets already reported, by the audit source at their call or by the host watch's pass.
   */
  SocketClaims packetSockets() {
    return packetSockets;
  }

  /** The processes already reported, shared by the /proc scan and netlink. */
  SeenProcesses seen() {
    return seen;
  }

  /** Calls {@code listener} with every Docker API event the Docker source sees. */
  void onDaemonEvent(Consumer<DaemonEvent> listener) {
    daemonListeners.add(listener);
  }

  /** Passes a Docker API event to every listener. */
  void daemonEvent(DaemonEvent e) {
    daemonListeners.forEach(l -> l.accept(e));
  }

  /** The /proc scan's rescan, asked for when netlink lost messages. */
  void offerProcessRescan(Runnable rescan) {
    processRescan = rescan;
  }

  /** Asks the /proc scan for a pass at once; nothing when it is off. */
  void rescanProcesses() {
    processRescan.run();
  }

  /** The exec file watch, for netlink's exec events to take their files from. */
  void offerExecFiles(ExecFiles files) {
    execFiles = files;
  }

  /** The files execs opened, or {@link ExecFiles#NONE} when no watch runs. */
  ExecFiles execFiles() {
    return execFiles;
  }
}
