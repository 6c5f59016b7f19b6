package dev.dockward.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server on loopback, with real sockets: stalled clients must not keep others from an answer.
 */
class MetricsServerTest {
  /** Generous: a live server answers in milliseconds; this only bounds a test that would hang. */
  private static final int ANSWER_WITHIN_MS = 10_000;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  @Test
  void aClientThatSentHalfARequestDoesNotKeepOthersFromHealthLive() throws Exception {
    // A deadline far beyond the test: the stalled client is still stalled when the other is
    // answered.
    DeadlineExecutor workers =
        new DeadlineExecutor(
            "test-metrics", MetricsServer.THREADS, MetricsServer.QUEUE, Duration.ofMinutes(5));
    int port = start(workers);
    Socket stalled = halfRequest(port, "/health/live");

    assertEquals("HTTP/1.1 200 OK", request(port, "/health/live"));

    // The first client was held open, not cut: it gets its answer once it finishes its request.
    stalled.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("HTTP/1.1 200 OK", statusLine(stalled));
    assertEquals(0, workers.expired());
  }

  @Test
  void aStalledClientLosesItsWorkerAtTheDeadline() throws Exception {
    // One worker: the second request can only be answered once the stalled one is cut off.
    DeadlineExecutor workers = new DeadlineExecutor("test-metrics", 1, 1, Duration.ofMillis(300));
    int port = start(workers);
    Socket stalled = halfRequest(port, "/metrics");

    assertEquals("HTTP/1.1 200 OK", request(port, "/health/live"));

    assertEquals("", statusLine(stalled), "the server closed the stalled connection");
    assertEquals(1, workers.expired());
  }

  @Test
  void requestsBeyondTheWorkersAndTheQueueAreRefusedNotLeftHanging() throws Exception {
    DeadlineExecutor workers = new DeadlineExecutor("test-metrics", 1, 1, Duration.ofMinutes(5));
    int port = start(workers);
    halfRequest(port, "/health/live");
    halfRequest(port, "/health/ready");
    long deadline = System.nanoTime() + Duration.ofMillis(ANSWER_WITHIN_MS).toNanos();
    while (workers.waiting() < 1) {
      assertTrue(System.nanoTime() < deadline, "the second stalled exchange never queued");
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }

    assertEquals("", request(port, "/health/live"), "refused: the connection is closed at once");
  }

  private int start(DeadlineExecutor workers) {
    MetricsServer server =
        MetricsServer.start(
            "127.0.0.1", 0, new PrometheusRegistry(), () -> true, () -> true, workers);
    opened.add(server);
    return server.port();
  }

  /** A connection that sent a request line and a header, and not the blank line that ends them. */
  private Socket halfRequest(int port, String path) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    opened.add(s);
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /**
   * A whole request on a new connection; its status line, "" when the server closed it unanswered.
   */
  private String request(int port, String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return statusLine(s);
    }
  }

  /**
   * The first line the server sends, "" when it closes the connection first; fails when it sends
   * nothing in time.
   */
  private static String statusLine(Socket s) throws IOException {
    s.setSoTimeout(ANSWER_WITHIN_MS);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        line.write(b);
      }
    } catch (SocketTimeoutException e) {
      fail("no answer and no close within " + ANSWER_WITHIN_MS + " ms");
    } catch (IOException e) {
      return ""; // reset by the server: closed unanswered
    }
    return line.toString(StandardCharsets.US_ASCII).strip();
  }
}
