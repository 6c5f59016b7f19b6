package dev.dockward.net;

/**
 * A conversation's 5-tuple, normalised so that both directions give the same key: the lower
 * (address, port) end comes first. Ports are -1 for protocols without them (ICMP: one flow per pair
 * of addresses and protocol).
 */
record FlowKey(IpAddress low, int lowPort, IpAddress high, int highPort, int protocol) {

  /** The key of a frame's conversation; {@code srcIsLow} tells which end the frame came from. */
  static FlowKey of(FrameFacts f) {
    return srcIsLow(f)
        ? new FlowKey(f.src(), f.srcPort(), f.dst(), f.dstPort(), f.protocol())
        : new FlowKey(f.dst(), f.dstPort(), f.src(), f.srcPort(), f.protocol());
  }

  static boolean srcIsLow(FrameFacts f) {
    int c = compare(f.src(), f.dst());
    return c < 0 || (c == 0 && f.srcPort() <= f.dstPort());
  }

  private static int compare(IpAddress a, IpAddress b) {
    int c = Long.compareUnsigned(a.high(), b.high());
    return c != 0 ? c : Long.compareUnsigned(a.low(), b.low());
  }
}
