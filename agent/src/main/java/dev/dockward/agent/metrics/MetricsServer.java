package dev.dockward.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} (Prometheus text format), {@code /health/live} (the agent's threads run) and
 * {@code /health/ready} (live, and the journal accepts records; its JSON body gives every sensor's
 * state), on the JDK's HTTP server.
 *
 * <p>{@value #THREADS} workers, at most {@value #QUEUE} exchanges waiting for one (more are
 * refused: the connection is closed), and {@link #DEADLINE} per exchange: a client that sends half
 * a request or reads slowly holds one worker until then, and the others keep answering.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  static final int THREADS = 4;
  static final int QUEUE = 16;

  /** Long enough for a scrape, short enough that stalled clients free their workers soon. */
  static final Duration DEADLINE = Duration.ofSeconds(5);

  private final HttpServer server;
  private final DeadlineExecutor workers;

  private MetricsServer(HttpServer server, DeadlineExecutor workers) {
    this.server = server;
    this.workers = workers;
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException naming the address when the port is taken
   */
  public static MetricsServer start(
      String address,
      int port,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready) {
    return start(address, port, registry, live, ready, () -> "{}");
  }

  /** As above, with {@code readyBody} the JSON {@code /health/ready} answers with. */
  public static MetricsServer start(
      String address,
      int port,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready,
      Supplier<String> readyBody) {
    return start(
        address,
        port,
        registry,
        live,
        ready,
        readyBody,
        new DeadlineExecutor("dockward-metrics", THREADS, QUEUE, DEADLINE));
  }

  /**
   * As the public start, on the given workers (closed with the server, or here when it cannot
   * listen).
   */
  static MetricsServer start(
      String address,
      int port,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready,
      DeadlineExecutor workers) {
    return start(address, port, registry, live, ready, () -> "{}", workers);
  }

  private static MetricsServer start(
      String address,
      int port,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready,
      Supplier<String> readyBody,
      DeadlineExecutor workers) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 16);
    } catch (BindException e) {
      workers.close();
      throw new IllegalStateException(
          "metrics.port: cannot listen on "
              + address
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); pick another port or set metrics.enabled: false",
          e);
    } catch (IOException e) {
      workers.close();
      throw new IllegalStateException(
          "metrics.address: cannot listen on " + address + ":" + port + " (" + e + ")", e);
    }
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext(
        "/metrics",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          writer.write(body, registry.scrape());
          respond(exchange, 200, writer.getContentType(), body.toByteArray());
        });
    server.createContext("/health/live", exchange -> health(exchange, live.getAsBoolean()));
    server.createContext(
        "/health/ready",
        exchange ->
            respond(
                exchange,
                ready.getAsBoolean() ? 200 : 503,
                "application/json",
                readyBody.get().getBytes(StandardCharsets.UTF_8)));
    server.setExecutor(workers);
    server.start();
    log.info("metrics and health on http://{}:{}/metrics", address, server.getAddress().getPort());
    return new MetricsServer(server, workers);
  }

  /** The port it listens on (the chosen one when 0 was asked). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange exchange, boolean ok) throws IOException {
    respond(
        exchange,
        ok ? 200 : 503,
        "text/plain; charset=utf-8",
        (ok ? "ok\n" : "unavailable\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.close();
  }
}
