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
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} (Prometheus text format), {@code /health/live} (the agent's threads run) and
 * {@code /health/ready} (live, and the journal accepts records; its JSON body gives every sensor's
 * state), on the JDK's HTTP server.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException naming the address when the port is taken
   */
  public static MetricsServer start(String address, int port, PrometheusRegistry registry, BooleanSupplier live,
      BooleanSupplier ready) {
    return start(address, port, registry, live, ready, () -> "{}");
  }

  /** As above, with {@code readyBody} the JSON {@code /health/ready} answers with. */
  public static MetricsServer start(String address, int port, PrometheusRegistry registry, BooleanSupplier live,
      BooleanSupplier ready, Supplier<String> readyBody) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 16);
    } catch (BindException e) {
      throw new IllegalStateException("metrics.port: cannot listen on " + address + ":" + port + " (" + e.getMessage()
          + "); pick another port or set metrics.enabled: false", e);
    } catch (IOException e) {
      throw new IllegalStateException("metrics.address: cannot listen on " + address + ":" + port + " (" + e + ")", e);
    }
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext("/metrics", exchange -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writer.write(body, registry.scrape());
      respond(exchange, 200, writer.getContentType(), body.toByteArray());
    });
    server.createContext("/health/live", exchange -> health(exchange, live.getAsBoolean()));
    server.createContext("/health/ready", exchange -> respond(exchange, ready.getAsBoolean() ? 200 : 503,
        "application/json", readyBody.get().getBytes(StandardCharsets.UTF_8)));
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dockward-metrics");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    log.info("metrics and health on http://{}:{}/metrics", address, server.getAddress().getPort());
    return new MetricsServer(server);
  }

  /** The port it listens on (the chosen one when 0 was asked). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange exchange, boolean ok) throws IOException {
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8",
        (ok ? "ok\n" : "unavailable\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
