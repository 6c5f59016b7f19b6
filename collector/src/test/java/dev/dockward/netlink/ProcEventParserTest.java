package dev.dockward.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser on datagrams recorded from this machine (see resources/netlink/README.md) and on
 * broken ones.
 */
class ProcEventParserTest {
  private final ProcEventParser parser = new ProcEventParser();

  static byte[] recorded(String name) {
    try (InputStream in =
        ProcEventParserTest.class.getResourceAsStream("/netlink/" + name + ".bin")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcEvent single(String fixture) {
    byte[] bytes = recorded(fixture);
    List<ProcEvent> events = parser.parse(bytes, bytes.length);
    assertEquals(1, events.size(), fixture + ": " + events);
    return events.get(0);
  }

  @Test
  void forkOfAProcess() {
    assertEquals(
        new ProcEvent.Fork(0, 2287361931855L, 22259, 22259, 22400, 22400), single("fork-process"));
    assertTrue(((ProcEvent.Fork) single("fork-process")).isProcess());
  }

  @Test
  void forkOfAThreadIsNoNewProcess() {
    ProcEvent.Fork fork = (ProcEvent.Fork) single("fork-thread");
    assertEquals(22394, fork.childPid());
    assertEquals(22302, fork.childTgid());
    assertEquals(false, fork.isProcess());
  }

  @Test
  void execThenExitWithStatusZero() {
    assertEquals(new ProcEvent.Exec(0, 2287362556176L, 22400, 22400), single("exec"));
    ProcEvent.Exit exit = (ProcEvent.Exit) single("exit-status-0");
    assertEquals(new ProcEvent.Exit(0, 2287363646282L, 22400, 22400, 0, 17, 22259, 22259), exit);
    assertTrue(exit.isProcess());
    assertEquals(0, exit.terminatingSignal());
    assertEquals(0, exit.exitStatus());
  }

  @Test
  void exitStatusThreeAndKilledBySigkill() {
    ProcEvent.Exit three = (ProcEvent.Exit) single("exit-status-3");
    assertEquals(768, three.exitCode());
    assertEquals(3, three.exitStatus());
    assertEquals(0, three.terminatingSignal());
    assertEquals(22446, three.parentTgid());

    ProcEvent.Exit killed = (ProcEvent.Exit) single("exit-sigkill-traced");
    assertEquals(9, killed.terminatingSignal());
    assertEquals(22450, killed.parentTgid());
  }

  @Test
  void threadExitHasNoParentAndIsNoProcessExit() {
    ProcEvent.Exit exit = (ProcEvent.Exit) single("exit-thread");
    assertEquals(false, exit.isProcess());
    assertEquals(-1, exit.exitSignal());
    assertEquals(0, exit.parentPid());
  }

  @Test
  void uidGidSidPtraceAndComm() {
    assertEquals(
        new ProcEvent.Uid(0, 2287810046963L, 22448, 22448, 65534, 65534), single("uid-nobody"));
    assertEquals(
        new ProcEvent.Gid(0, 2287810069537L, 22448, 22448, 65534, 65534), single("gid-nobody"));
    assertEquals(new ProcEvent.Sid(1, 2287785946068L, 22447, 22447), single("sid"));
    ProcEvent.Ptrace attach = (ProcEvent.Ptrace) single("ptrace-attach");
    assertEquals(new ProcEvent.Ptrace(1, 2287834221009L, 22455, 22455, 22450, 22450), attach);
    assertTrue(attach.isAttach());
    assertEquals(false, ((ProcEvent.Ptrace) single("ptrace-detach")).isAttach());
    assertEquals(
        new ProcEvent.Comm(0, 2288323811517L, 22446, 22446, "dw-renamed"),
        single("comm-dw-renamed"));
    assertEquals(6, parser.events());
  }

  @Test
  void theSubscriptionAckIsCountedNotEmitted() {
    byte[] ack = recorded("ack-listen");
    assertEquals(List.of(), parser.parse(ack, ack.length));
    assertEquals(1, parser.acks());
    assertEquals(0, parser.malformed() + parser.unknown());
  }

  /** Cut anywhere: at most the events whose bytes are all there; never an exception. */
  @Test
  void everyTruncationOfEveryRecordingIsCountedNeverThrown() {
    for (String name :
        List.of(
            "fork-process",
            "exec",
            "exit-status-3",
            "uid-nobody",
            "ptrace-attach",
            "comm-dw-renamed",
            "sid",
            "gid-nobody")) {
      byte[] whole = recorded(name);
      for (int cut = 0; cut < whole.length; cut++) {
        ProcEventParser fresh = new ProcEventParser();
        List<ProcEvent> events = fresh.parse(Arrays.copyOf(whole, cut), cut);
        assertEquals(List.of(), events, name + " cut at " + cut);
        assertEquals(cut == 0 ? 0 : 1, fresh.malformed(), name + " cut at " + cut);
      }
    }
  }

  /**
   * A datagram cut short, but with its headers claiming the full length: the framing check catches
   * it.
   */
  @Test
  void lengthBeyondTheDatagramIsMalformed() {
    byte[] exec = recorded("exec");
    assertEquals(List.of(), parser.parse(exec, 40));
    assertEquals(1, parser.malformed());
  }

  /**
   * cn_msg.len shorter than the kind's fields: the event is not read past what the kernel said it
   * wrote.
   */
  @Test
  void connectorLengthTooShortForTheKind() {
    byte[] exit = recorded("exit-status-3");
    ByteBuffer.wrap(exit)
        .order(ByteOrder.nativeOrder())
        .putShort(16 + 16, (short) 28); // header 16 + 12 bytes
    assertEquals(List.of(), parser.parse(exit, exit.length));
    assertEquals(1, parser.malformed());
  }

  @ParameterizedTest
  @ValueSource(ints = {0x20000000, 0x8, 0x7fff0000})
  void unknownKindIsCountedNotThrown(int what) {
    byte[] exec = recorded("exec");
    ByteBuffer.wrap(exec).order(ByteOrder.nativeOrder()).putInt(36, what);
    assertEquals(List.of(), parser.parse(exec, exec.length));
    assertEquals(1, parser.unknown());
  }

  @Test
  void anotherConnectorIsForeign() {
    byte[] exec = recorded("exec");
    ByteBuffer.wrap(exec)
        .order(ByteOrder.nativeOrder())
        .putInt(16, 7); // cb_id.idx of another connector
    assertEquals(List.of(), parser.parse(exec, exec.length));
    assertEquals(1, parser.foreign());
  }

  @Test
  void twoMessagesInOneDatagramGiveTwoEvents() {
    byte[] fork = recorded("fork-process");
    byte[] exec = recorded("exec");
    byte[] both = new byte[fork.length + exec.length];
    System.arraycopy(fork, 0, both, 0, fork.length);
    System.arraycopy(exec, 0, both, fork.length, exec.length);
    List<ProcEvent> events = parser.parse(both, both.length);
    assertEquals(List.of(single("fork-process"), single("exec")), events);
  }

  @Test
  void trailingGarbageAfterAMessageIsMalformedButTheMessageStands() {
    byte[] exec = recorded("exec");
    byte[] longer = Arrays.copyOf(exec, exec.length + 7);
    Arrays.fill(longer, exec.length, longer.length, (byte) 0xff);
    List<ProcEvent> events = parser.parse(longer, longer.length);
    assertEquals(1, events.size());
    assertEquals(1, parser.malformed());
  }

  @Test
  void headerClaimingLessThanItsOwnSizeIsMalformed() {
    byte[] exec = recorded("exec");
    ByteBuffer.wrap(exec).order(ByteOrder.nativeOrder()).putInt(0, 8);
    assertEquals(List.of(), parser.parse(exec, exec.length));
    assertEquals(1, parser.malformed());
  }

  @Test
  void hostileCommBytesAreEscapedNotDecodedAsGarbage() {
    byte[] comm = recorded("comm-dw-renamed");
    int name = 16 + 20 + 16 + 8; // headers, proc_event header, pid and tgid
    byte[] hostile = {'x', '\n', '"', (byte) 0xff, 0};
    System.arraycopy(hostile, 0, comm, name, hostile.length);
    ProcEvent.Comm event = (ProcEvent.Comm) parser.parse(comm, comm.length).get(0);
    assertEquals("x\n\"\\xff", event.comm());
  }

  @Test
  void listenAndIgnoreMessagesHaveTheKernelsLayout() {
    byte[] listen = ProcConnectorSocket.control(ProcConnectorSocket.PROC_CN_MCAST_LISTEN);
    ByteBuffer b = ByteBuffer.wrap(listen).order(ByteOrder.nativeOrder());
    assertEquals(40, listen.length);
    assertEquals(40, b.getInt(0));
    assertEquals(1, b.getInt(16)); // CN_IDX_PROC
    assertEquals(1, b.getInt(20)); // CN_VAL_PROC
    assertEquals(4, b.getShort(32)); // cn_msg.len
    assertEquals(1, b.getInt(36)); // PROC_CN_MCAST_LISTEN
  }
}
