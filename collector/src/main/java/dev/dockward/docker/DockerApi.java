package dev.dockward.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * The few Docker Engine API calls the agent makes, returning raw JSON. One client for short
 * requests (with a response timeout) and one for the event stream (which may idle for hours).
 */
public final class DockerApi implements AutoCloseable {
  private final ObjectMapper json = new ObjectMapper();
  private final URI host;
  private final DockerHttpClient requests;
  private final DockerHttpClient stream;

  public DockerApi(URI host) {
    this(host, Duration.ofSeconds(30));
  }

  /**
   * @param responseTimeout how long a short request may wait for the daemon's answer (a caller on a
   *     hot path, like the pipeline's lookups, wants it short)
   */
  public DockerApi(URI host, Duration responseTimeout) {
    this.host = host;
    DockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host.toString())
            .build();
    this.requests =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectionTimeout(Duration.ofSeconds(3))
            .responseTimeout(responseTimeout)
            .build();
    this.stream =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectionTimeout(Duration.ofSeconds(3))
            .build();
  }

  public URI host() {
    return host;
  }

  /** {@code GET path}, parsed; non-2xx answers and transport failures are IOExceptions. */
  public JsonNode get(String path) throws IOException {
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path(path)
            .build();
    try (DockerHttpClient.Response response = requests.execute(request)) {
      byte[] body = response.getBody().readAllBytes();
      if (response.getStatusCode() / 100 != 2) {
        throw new DockerApiException(
            response.getStatusCode(),
            path,
            new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8));
      }
      return json.readTree(body);
    } catch (RuntimeException e) {
      // The transport wraps socket errors (daemon down, socket missing) in unchecked exceptions.
      throw new IOException("Docker API " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the event stream, replaying from {@code since} so nothing between a listing and the
   * subscription is missed. The stream ends when the daemon goes away or {@code close} is called.
   */
  public EventStream events(Instant since) throws IOException {
    String path =
        "/events?since=" + since.getEpochSecond() + "." + String.format("%09d", since.getNano());
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path(path)
            .build();
    DockerHttpClient.Response response;
    try {
      response = stream.execute(request);
    } catch (RuntimeException e) {
      throw new IOException("Docker API " + path + ": " + e.getMessage(), e);
    }
    if (response.getStatusCode() / 100 != 2) {
      int status = response.getStatusCode();
      response.close();
      throw new DockerApiException(status, path, "event stream refused");
    }
    InputStream body = response.getBody();
    // A Reader-based parser: a byte-based one reads ahead to detect the encoding and would
    // block here until the daemon's first event.
    JsonParser parser =
        json.getFactory().createParser(new InputStreamReader(body, StandardCharsets.UTF_8));
    return new EventStream(response, body, parser);
  }

  @Override
  public void close() {
    closeQuietly(requests);
    closeQuietly(stream);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Closing a client whose daemon is gone may fail; nothing is left to release.
    }
  }

  /** The daemon's event objects, one by one, until the connection ends. */
  public static final class EventStream implements AutoCloseable {
    private final DockerHttpClient.Response response;
    private final InputStream body;
    private final JsonParser parser;

    EventStream(DockerHttpClient.Response response, InputStream body, JsonParser parser) {
      this.response = response;
      this.body = body;
      this.parser = parser;
    }

    /** The next event object; empty when the stream ended (daemon gone, or closed). */
    public Optional<JsonNode> next() {
      try {
        JsonToken t = parser.nextToken();
        if (t == null) {
          return Optional.empty();
        }
        if (t != JsonToken.START_OBJECT) {
          parser.skipChildren();
          return Optional.of(MissingNode.getInstance());
        }
        JsonNode node = parser.readValueAsTree();
        return Optional.of(node == null ? MissingNode.getInstance() : node);
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    /**
     * Drops the connection. A plain close would read the chunked stream to its end, which for the
     * event stream never comes: abort the connection first, so a reader blocked on it fails at
     * once.
     */
    @Override
    public void close() {
      if (body instanceof EofSensorInputStream eof) {
        try {
          eof.abort();
        } catch (IOException ignored) {
          // the connection is being dropped anyway
        }
      }
      closeQuietly(parser);
      closeQuietly(response);
    }
  }
}
