package dev.dockward.agent.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A byte-for-byte proxy from a unix socket of the test's to the real Docker socket. Closing it cuts
 * every connection at once, which to a client looks exactly like the daemon going away.
 */
final class UnixSocketProxy implements AutoCloseable {
  private final Path listen;
  private final Path target;
  private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
  private ServerSocketChannel server;

  UnixSocketProxy(Path listen, Path target) {
    this.listen = listen;
    this.target = target;
  }

  void start() throws IOException {
    Files.deleteIfExists(listen);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(listen));
    Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    try {
      while (true) {
        SocketChannel client = server.accept();
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(target));
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      }
    } catch (IOException e) {
      // server closed
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    Thread t =
        new Thread(
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
              try {
                while (from.read(buf) >= 0) {
                  buf.flip();
                  while (buf.hasRemaining()) {
                    to.write(buf);
                  }
                  buf.clear();
                }
              } catch (IOException e) {
                // one side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
    for (SocketChannel c : open) {
      closeQuietly(c);
    }
    open.clear();
    Files.deleteIfExists(listen);
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
