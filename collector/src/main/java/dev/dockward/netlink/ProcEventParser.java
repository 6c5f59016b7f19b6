package dev.dockward.netlink;

import dev.dockward.proc.ProcText;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns the bytes of one netlink datagram from the process connector into {@link ProcEvent}s. Pure
 * (no I/O) and never throws on input: a message that is too short, of another connector, or of a
 * kind it does not know is counted and skipped. One thread parses; the counters may be read from
 * any thread.
 *
 * <p>Layout (host byte order): {@code nlmsghdr} (16 bytes), {@code cn_msg} (20 bytes: idx, val,
 * seq, ack, len, flags), then {@code proc_event}: what (4), cpu (4), timestamp_ns (8) and the
 * event's own fields from offset 16.
 */
final class ProcEventParser {
  static final int NLMSG_HEADER = 16;
  static final int CN_MSG_HEADER = 20;

  /** what, cpu, timestamp_ns: the part of {@code proc_event} before its union. */
  static final int EVENT_HEADER = 16;

  static final int PROC_EVENT_NONE = 0x0;
  static final int PROC_EVENT_FORK = 0x1;
  static final int PROC_EVENT_EXEC = 0x2;
  static final int PROC_EVENT_UID = 0x4;
  static final int PROC_EVENT_GID = 0x40;
  static final int PROC_EVENT_SID = 0x80;
  static final int PROC_EVENT_PTRACE = 0x100;
  static final int PROC_EVENT_COMM = 0x200;
  static final int PROC_EVENT_COREDUMP = 0x40000000;
  static final int PROC_EVENT_EXIT = 0x80000000;

  private static final int NLMSG_ERROR = 2;
  private static final int COMM_BYTES = 16;

  private final LongAdder events = new LongAdder();
  private final LongAdder acks = new LongAdder();
  private final LongAdder unknown = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder foreign = new LongAdder();

  /** The events in {@code datagram[0, length)}; usually one. Never throws. */
  List<ProcEvent> parse(byte[] datagram, int length) {
    List<ProcEvent> out = new ArrayList<>(1);
    int end = Math.max(0, Math.min(length, datagram.length));
    ByteBuffer b = ByteBuffer.wrap(datagram, 0, end).order(ByteOrder.nativeOrder());
    int at = 0;
    while (at < end) {
      if (end - at < NLMSG_HEADER) {
        malformed.increment();
        break;
      }
      int messageLength = b.getInt(at);
      int type = Short.toUnsignedInt(b.getShort(at + 4));
      if (messageLength < NLMSG_HEADER || messageLength > end - at) {
        malformed.increment();
        break; // the framing is lost: nothing after this can be trusted
      }
      if (type == NLMSG_ERROR) {
        foreign.increment();
      } else {
        connectorMessage(b, at + NLMSG_HEADER, at + messageLength, out);
      }
      at += align(messageLength);
    }
    return out;
  }

  private void connectorMessage(ByteBuffer b, int at, int end, List<ProcEvent> out) {
    if (end - at < CN_MSG_HEADER) {
      malformed.increment();
      return;
    }
    int idx = b.getInt(at);
    int val = b.getInt(at + 4);
    int dataLength = Short.toUnsignedInt(b.getShort(at + 16));
    if (idx != ProcConnectorSocket.CN_IDX_PROC || val != ProcConnectorSocket.CN_VAL_PROC) {
      foreign.increment();
      return;
    }
    int data = at + CN_MSG_HEADER;
    // Trust the smaller of what cn_msg claims and what the datagram holds.
    int dataEnd = Math.min(end, data + dataLength);
    procEvent(b, data, dataEnd, out);
  }

  private void procEvent(ByteBuffer b, int at, int end, List<ProcEvent> out) {
    if (end - at < EVENT_HEADER) {
      malformed.increment();
      return;
    }
    int what = b.getInt(at);
    int cpu = b.getInt(at + 4);
    long ts = b.getLong(at + 8);
    int f = at + EVENT_HEADER; // the union's fields
    int available = end - f;
    ProcEvent event;
    switch (what) {
      case PROC_EVENT_NONE:
        acks.increment(); // the kernel's answer to our LISTEN
        return;
      case PROC_EVENT_FORK:
        if (available < 16) {
          break;
        }
        event =
            new ProcEvent.Fork(
                cpu, ts, b.getInt(f), b.getInt(f + 4), b.getInt(f + 8), b.getInt(f + 12));
        emit(out, event);
        return;
      case PROC_EVENT_EXEC:
        if (available < 8) {
          break;
        }
        emit(out, new ProcEvent.Exec(cpu, ts, b.getInt(f), b.getInt(f + 4)));
        return;
      case PROC_EVENT_UID:
        if (available < 16) {
          break;
        }
        emit(
            out,
            new ProcEvent.Uid(
                cpu, ts, b.getInt(f), b.getInt(f + 4), b.getInt(f + 8), b.getInt(f + 12)));
        return;
      case PROC_EVENT_GID:
        if (available < 16) {
          break;
        }
        emit(
            out,
            new ProcEvent.Gid(
                cpu, ts, b.getInt(f), b.getInt(f + 4), b.getInt(f + 8), b.getInt(f + 12)));
        return;
      case PROC_EVENT_SID:
        if (available < 8) {
          break;
        }
        emit(out, new ProcEvent.Sid(cpu, ts, b.getInt(f), b.getInt(f + 4)));
        return;
      case PROC_EVENT_PTRACE:
        if (available < 16) {
          break;
        }
        emit(
            out,
            new ProcEvent.Ptrace(
                cpu, ts, b.getInt(f), b.getInt(f + 4), b.getInt(f + 8), b.getInt(f + 12)));
        return;
      case PROC_EVENT_COMM:
        if (available < 8 + COMM_BYTES) {
          break;
        }
        emit(out, new ProcEvent.Comm(cpu, ts, b.getInt(f), b.getInt(f + 4), comm(b, f + 8)));
        return;
      case PROC_EVENT_COREDUMP:
        // parent fields came with 4.x; without them the event is still the coredump of pid/tgid
        if (available < 8) {
          break;
        }
        emit(
            out,
            new ProcEvent.Coredump(
                cpu,
                ts,
                b.getInt(f),
                b.getInt(f + 4),
                available >= 16 ? b.getInt(f + 8) : 0,
                available >= 16 ? b.getInt(f + 12) : 0));
        return;
      case PROC_EVENT_EXIT:
        if (available < 16) {
          break;
        }
        emit(
            out,
            new ProcEvent.Exit(
                cpu,
                ts,
                b.getInt(f),
                b.getInt(f + 4),
                b.getInt(f + 8),
                b.getInt(f + 12),
                available >= 24 ? b.getInt(f + 16) : 0,
                available >= 24 ? b.getInt(f + 20) : 0));
        return;
      default:
        // e.g. PROC_EVENT_NONZERO_EXIT or a kind added by a newer kernel
        unknown.increment();
        return;
    }
    malformed.increment(); // a known kind, too short for its fields
  }

  private void emit(List<ProcEvent> out, ProcEvent event) {
    events.increment();
    out.add(event);
  }

  private static String comm(ByteBuffer b, int at) {
    byte[] raw = new byte[COMM_BYTES];
    b.get(at, raw);
    int n = 0;
    while (n < raw.length && raw[n] != 0) {
      n++;
    }
    return ProcText.decode(raw, 0, n);
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }

  /** Events parsed. */
  long events() {
    return events.sum();
  }

  /** The kernel's acknowledgements of our subscription (what = NONE). */
  long acks() {
    return acks.sum();
  }

  /** Messages of a kind this parser does not know (a newer kernel's). */
  long unknown() {
    return unknown.sum();
  }

  /** Messages too short for their headers or their kind's fields, or with broken framing. */
  long malformed() {
    return malformed.sum();
  }

  /** Netlink errors and messages of other connectors. */
  long foreign() {
    return foreign.sum();
  }
}
