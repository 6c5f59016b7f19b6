package dev.dockward.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.dockward.event.ContainerInfo;
import dev.dockward.source.ContainerDirectory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the daemon about a container the inventory does not know yet. A container's first process is
 * exec'd (and seen through netlink) before the daemon reports the start, so without this the alerts
 * of a short-lived container would carry its id alone. Only full ids (from cgroup paths) are asked;
 * an id the daemon does not know is not asked again for {@link #RETRY_AFTER}, and after a transport
 * failure nothing is asked for that long, so a daemon that is down does not slow the pipeline. Used
 * by the pipeline's one thread.
 */
public final class InspectingDirectory implements ContainerDirectory {
  /** How long an unknown id, or a daemon that failed, is left alone. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(InspectingDirectory.class);
  private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_MISSES = 4096;

  /** Asks the daemon to describe one container: its inspect JSON. */
  @FunctionalInterface
  interface Inspector {
    JsonNode inspect(String id) throws IOException;
  }

  private final Inspector inspector;
  private final ImageLoaderEnv imageEnv;
  private final Clock clock;
  private final Map<String, Instant> misses = new LinkedHashMap<>();
  private final LongAdder inspected = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private Instant pausedUntil = Instant.MIN;

  public InspectingDirectory(DockerApi api, Clock clock) {
    this(id -> api.get("/containers/" + id + "/json"), ImageLoaderEnv.of(api), clock);
  }

  InspectingDirectory(Inspector inspector, Clock clock) {
    this(inspector, new ImageLoaderEnv(id -> MissingNode.getInstance()), clock);
  }

  InspectingDirectory(Inspector inspector, ImageLoaderEnv imageEnv, Clock clock) {
    this.inspector = inspector;
    this.imageEnv = imageEnv;
    this.clock = clock;
  }

  @Override
  public Optional<ContainerInfo> byId(String id) {
    Instant now = clock.instant();
    if (!FULL_ID.matcher(id).matches() || now.isBefore(pausedUntil)) {
      return Optional.empty();
    }
    Instant missed = misses.get(id);
    if (missed != null && now.isBefore(missed.plus(RETRY_AFTER))) {
      return Optional.empty();
    }
    try {
      inspected.increment();
      return Optional.of(imageEnv.attach(ContainerInspectParser.parse(inspector.inspect(id))));
    } catch (DockerApiException e) {
      if (misses.size() >= MAX_MISSES) {
        misses.clear(); // a bound, not a policy: the worst case is one more question per id
      }
      misses.put(id, now);
      log.debug("container {} unknown to the daemon: {}", id, e.getMessage());
    } catch (IOException | RuntimeException e) {
      failures.increment();
      pausedUntil = now.plus(RETRY_AFTER);
      log.debug("cannot ask the daemon about container {}: {}", id, e.toString());
    }
    return Optional.empty();
  }

  /** Inspections made (hits and misses). */
  public long inspected() {
    return inspected.sum();
  }

  /** Inspections that failed for want of a daemon. */
  public long failures() {
    return failures.sum();
  }
}
