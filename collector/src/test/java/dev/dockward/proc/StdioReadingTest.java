package dev.dockward.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ProcessInfo;
import dev.dockward.event.StdioKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standard descriptors and the executable's ctime, read with a process. */
class StdioReadingTest {
  /**
   * Lines recorded from this machine's /proc/net/tcp and /proc/net/unix, inodes changed to
   * distinctive ones.
   */
  private static final String TCP =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
          + "   0: 0100007F:115C 0100007F:A2B4 01 00000000:00000000 00:00000000 00000000     0        0 7770001 1 0000000099ce4ded 20 4 30 10 -1\n";

  private static final String UNIX =
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
          + "00000000dcd7d372: 00000002 00000000 00010000 0001 01 7770002 /var/run/docker.sock\n";

  @TempDir Path root;
  private ProcTree tree;
  private ProcReader reader;

  @BeforeEach
  void setUp() {
    tree = new ProcTree(root);
    reader = new ProcReader(tree.hostFs());
  }

  @Test
  void aShellOnATcpSocketHasTcpAsItsStdio() {
    tree.process(300, "sh", 5, "/docker/abc");
    tree.link(300, "fd/0", "socket:[7770001]")
        .link(300, "fd/1", "socket:[7770001]")
        .link(300, "fd/2", "socket:[7770002]");
    tree.write(300, "net/tcp", TCP.getBytes(UTF_8)).write(300, "net/unix", UNIX.getBytes(UTF_8));
    ProcessInfo p = reader.read(300).orElseThrow();
    assertEquals(List.of("tcp", "tcp", "unix"), p.stdio());
  }

  @Test
  void pipesTerminalsNullAndClosedAreToldApart() {
    tree.process(301, "sh", 5, "/docker/abc");
    tree.link(301, "fd/0", "/dev/null").link(301, "fd/1", "pipe:[99]");
    ProcessInfo p = reader.read(301).orElseThrow();
    assertEquals(List.of("null", "pipe", "closed"), p.stdio());
  }

  @Test
  void aSocketInNoTableIsASocketOfUnknownFamily() {
    tree.process(302, "sh", 5, "/docker/abc");
    tree.link(302, "fd/0", "socket:[123]")
        .link(302, "fd/1", "/dev/pts/3")
        .link(302, "fd/2", "/var/log/x.log");
    tree.write(302, "net/tcp", TCP.getBytes(UTF_8));
    ProcessInfo p = reader.read(302).orElseThrow();
    assertEquals(List.of("socket", "tty", "file"), p.stdio());
    assertTrue(reader.stats().unreadable() > 0, "the missing tables are counted");
  }

  @Test
  void exeCtimeIsTheExecutableFilesCtime() throws Exception {
    Path program = root.resolve("payload");
    Files.write(program, new byte[] {1});
    Instant before = Instant.now().minusSeconds(5);
    tree.process(303, "payload", 5, "/docker/abc").exe(303, program.toString());
    ProcessInfo p = reader.read(303).orElseThrow();
    Instant ctime = ((FileTime) Files.getAttribute(program, "unix:ctime")).toInstant();
    assertEquals(ctime, p.exeChanged().orElseThrow());
    assertTrue(p.exeChanged().get().isAfter(before));
  }

  @Test
  void noExeNoCtime() {
    tree.process(304, "kthreadd", 5, "/");
    assertFalse(reader.read(304).orElseThrow().exeChanged().isPresent());
  }

  @Test
  void linkTextsAreClassified() {
    assertEquals(StdioKind.SOCKET, StdioLinkParser.kind("socket:[5]"));
    assertEquals(OptionalLong.of(5), StdioLinkParser.socketInode("socket:[5]"));
    assertEquals(OptionalLong.empty(), StdioLinkParser.socketInode("socket:[x]"));
    assertEquals(StdioKind.TTY, StdioLinkParser.kind("/dev/console"));
    assertEquals(StdioKind.FILE, StdioLinkParser.kind("anon_inode:[eventfd]"));
    assertFalse(
        SocketTableParser.contains(
            TCP, SocketTableParser.INET_INODE_COLUMN, 0)); // the header is skipped
    assertFalse(SocketTableParser.contains("garbage", 9, 7770001));
  }
}
