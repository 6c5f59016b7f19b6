package dev.dockward.audit;

import java.util.concurrent.atomic.LongAdder;

/** What the audit source received, emitted and lost since it started. Thread-safe. */
final class AuditStats {
  final LongAdder datagrams = new LongAdder();
  final LongAdder records = new LongAdder();
  final LongAdder unparsable = new LongAdder();
  final LongAdder overruns = new LongAdder();
  final LongAdder execs = new LongAdder();
  final LongAdder emitted = new LongAdder();
  final LongAdder queueDrops = new LongAdder();
  final LongAdder unattributed = new LongAdder();
  final LongAdder fromProc = new LongAdder();
  final LongAdder fromParent = new LongAdder();
  final LongAdder fromMemory = new LongAdder();
  final LongAdder argvIncomplete = new LongAdder();
  final LongAdder ruleReinstalls = new LongAdder();
  final LongAdder ruleCheckFailures = new LongAdder();

  /** Link and PTRACE_TRACEME events made. */
  final LongAdder links = new LongAdder();

  final LongAdder tracemes = new LongAdder();

  /** Links made by host processes: not reported. */
  final LongAdder hostLinks = new LongAdder();

  /**
   * Packet sockets reported; opened by host processes (not reported); found by the host watch first
   * (not reported again).
   */
  final LongAdder packets = new LongAdder();

  final LongAdder hostPackets = new LongAdder();
  final LongAdder packetsSeenAlready = new LongAdder();

  /**
   * dup2/dup3 onto 0–2 received; those whose process was gone before the descriptor was read; onto
   * a socket by host processes (not reported); onto a socket in a container (reported).
   */
  final LongAdder stdioDups = new LongAdder();

  final LongAdder stdioDupsUnread = new LongAdder();
  final LongAdder hostStdioDups = new LongAdder();
  final LongAdder stdioRedirects = new LongAdder();

  /** Opens of watched files reported (in a container); by host processes (not reported). */
  final LongAdder watchedOpens = new LongAdder();

  final LongAdder hostWatchedOpens = new LongAdder();

  /** The kernel's lost counter when we started, and its last reading. */
  volatile long kernelLostAtStart = -1;

  volatile long kernelLostNow = -1;

  /**
   * Records the kernel dropped since we started (any reader's loss counts: the kernel does not say
   * whose).
   */
  long kernelLost() {
    return kernelLostAtStart < 0 || kernelLostNow < kernelLostAtStart
        ? 0
        : kernelLostNow - kernelLostAtStart;
  }

  @Override
  public String toString() {
    return "AuditStats[datagrams="
        + datagrams.sum()
        + ", records="
        + records.sum()
        + ", execs="
        + execs.sum()
        + ", emitted="
        + emitted.sum()
        + ", overruns="
        + overruns.sum()
        + ", queueDrops="
        + queueDrops.sum()
        + ", unattributed="
        + unattributed.sum()
        + ", fromProc="
        + fromProc.sum()
        + ", fromParent="
        + fromParent.sum()
        + ", fromMemory="
        + fromMemory.sum()
        + ", argvIncomplete="
        + argvIncomplete.sum()
        + ", ruleReinstalls="
        + ruleReinstalls.sum()
        + ", kernelLost="
        + kernelLost()
        + ", links="
        + links.sum()
        + ", tracemes="
        + tracemes.sum()
        + ", hostLinksIgnored="
        + hostLinks.sum()
        + ", packetSockets="
        + packets.sum()
        + ", hostPacketSocketsIgnored="
        + hostPackets.sum()
        + ", packetSocketsSeenAlready="
        + packetsSeenAlready.sum()
        + ", stdioDups="
        + stdioDups.sum()
        + ", stdioDupsUnread="
        + stdioDupsUnread.sum()
        + ", hostStdioDups="
        + hostStdioDups.sum()
        + ", stdioRedirects="
        + stdioRedirects.sum()
        + "]";
  }
}
