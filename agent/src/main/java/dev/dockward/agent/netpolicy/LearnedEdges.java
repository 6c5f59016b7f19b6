package dev.dockward.agent.netpolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning mode: for {@code period} after learning first started, edges between two containers are
 * recorded as expected; afterwards an edge not recorded is unexpected. The start time and the edges
 * live in a small JSON file, so a restarted agent neither forgets the edges nor starts learning
 * anew. An unreadable file is reported and learning starts over (a broken file must not stop the
 * agent).
 *
 * <p><b>Bounded.</b> An edge is {@code <src>><dst> <protocol>/<port>}: one per peer pair and
 * service port. At most {@code maxEdges} edges and {@code maxPortsPerPair} ports per pair of
 * containers and protocol are learned; beyond either, an edge is not learned and the refusal is
 * counted. Which flows are offered at all (established ones, not scans) is the caller's choice.
 *
 * <p><b>Revocable for a while.</b> The edges learned in the last scan window are remembered with
 * their sender, so that a sender found scanning afterwards has them taken back: a scan is learned
 * as nothing, not as its first few ports.
 *
 * <p><b>Saved off the capture thread.</b> {@link #learn} only changes memory; a background writer
 * saves at most once per save interval when something changed (a temporary file written and
 * fsynced, moved over the old one, then the directory fsynced), and {@link #close} saves what is
 * left. {@link #learn}, {@link #revokeSince} and {@link #prune} are called from one thread.
 */
final class LearnedEdges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LearnedEdges.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How much is learned.
   *
   * @param maxEdges edges in the learned set
   * @param maxPortsPerPair service ports learned per pair of containers and protocol
   */
  record Limits(int maxEdges, int maxPortsPerPair) {
    static final Limits DEFAULT = new Limits(10_000, 16);

    Limits {
      if (maxEdges < 1 || maxPortsPerPair < 1) {
        throw new IllegalArgumentException("learning limits must be at least 1");
      }
    }
  }

  private record Recent(String edge, long millis) {}

  private final Path file;
  private final Instant startedAt;
  private final Instant until;
  private final Limits limits;
  private final NavigableSet<String> edges = new ConcurrentSkipListSet<>();
  private final Map<String, Integer> portsPerPair = new HashMap<>();
  // Per sender, oldest first: a scanning sender's revocation touches only its own entries.
  private final Map<String, ArrayDeque<Recent>> recent = new HashMap<>();
  private int recentCount;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicLong saves = new AtomicLong();
  private final AtomicLong saveFailures = new AtomicLong();
  private long added;
  private long edgesCapped;
  private long portsCapped;
  private long revoked;
  private ScheduledExecutorService writer;

  private LearnedEdges(Path file, Instant startedAt, Duration period, Limits limits) {
    this.file = file;
    this.startedAt = startedAt;
    this.until = startedAt.plus(period);
    this.limits = limits;
  }

  /**
   * Loads the learned state from {@code file}, or starts learning at {@code now} when there is
   * none.
   */
  static LearnedEdges open(Path file, Duration period, Instant now) {
    return open(file, period, now, Limits.DEFAULT);
  }

  /** The same with its limits; a file holding more edges than they allow keeps the first ones. */
  static LearnedEdges open(Path file, Duration period, Instant now, Limits limits) {
    if (Files.exists(file)) {
      try {
        JsonNode root = JSON.readTree(file.toFile());
        Instant started = Instant.parse(root.path("started_at").asText());
        LearnedEdges loaded = new LearnedEdges(file, started, period, limits);
        root.path("edges").forEach(e -> loaded.add(e.asText()));
        log.info(
            "network learning: {} edges learned since {} (from {})", loaded.size(), started, file);
        if (loaded.edgesCapped + loaded.portsCapped > 0) {
          log.warn(
              "network learning: {} edges of {} left out by the limits {}",
              loaded.edgesCapped + loaded.portsCapped,
              file,
              limits);
        }
        return loaded;
      } catch (IOException | DateTimeParseException e) {
        log.warn(
            "network learning: cannot read {} ({}); learning starts over", file, e.getMessage());
      }
    }
    LearnedEdges fresh = new LearnedEdges(file, now, period, limits);
    fresh.dirty.set(true);
    fresh.flush(); // the start time, at once: a restart must not begin a new period
    return fresh;
  }

  boolean learning(Instant now) {
    return now.isBefore(until);
  }

  boolean known(String edge) {
    return edges.contains(edge);
  }

  /**
   * Records an edge {@code sender} established while learning, within the limits (a refusal is
   * counted). Memory only: the writer saves it later.
   *
   * @return whether the edge is new and was learned
   */
  boolean learn(String sender, String edge, long nowMillis) {
    if (edges.contains(edge) || !add(edge)) {
      return false;
    }
    // Never more remembered than the set holds: the limit bounds this too.
    if (recentCount < limits.maxEdges()) {
      recent.computeIfAbsent(sender, k -> new ArrayDeque<>()).addLast(new Recent(edge, nowMillis));
      recentCount++;
    }
    dirty.set(true);
    return true;
  }

  /**
   * Takes back the edges {@code sender} taught since {@code sinceMillis} (it turned out to scan).
   */
  void revokeSince(String sender, long sinceMillis) {
    ArrayDeque<Recent> taught = recent.remove(sender);
    if (taught == null) {
      return;
    }
    recentCount -= taught.size();
    for (Recent r : taught) {
      if (r.millis() >= sinceMillis && edges.remove(r.edge())) {
        portsPerPair.computeIfPresent(pair(r.edge()), (k, n) -> n == 1 ? null : n - 1);
        revoked++;
        dirty.set(true);
      }
    }
  }

  /** Forgets, as revocable, what was learned before {@code beforeMillis}. */
  void prune(long beforeMillis) {
    Iterator<ArrayDeque<Recent>> it = recent.values().iterator();
    while (it.hasNext()) {
      ArrayDeque<Recent> taught = it.next();
      while (!taught.isEmpty() && taught.peekFirst().millis() < beforeMillis) {
        taught.pollFirst();
        recentCount--;
      }
      if (taught.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Saves every {@code interval} when something changed, on a thread of its own. */
  synchronized void startWriter(Duration interval) {
    if (writer != null) {
      return;
    }
    writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dockward-learned-edges");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    writer.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops the writer and saves what changed since its last save. */
  @Override
  public void close() {
    ScheduledExecutorService w;
    synchronized (this) {
      w = writer;
      writer = null;
    }
    if (w != null) {
      w.shutdown();
      try {
        w.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  int size() {
    return edges.size();
  }

  /** Edges ever put in the set (loaded or learned), revoked ones included: a monotonic count. */
  long added() {
    return added;
  }

  /** Times the file was written. */
  long saves() {
    return saves.get();
  }

  long saveFailures() {
    return saveFailures.get();
  }

  /** Edges not learned because the set was full. */
  long edgesCapped() {
    return edgesCapped;
  }

  /** Edges not learned because their pair had its ports already. */
  long portsCapped() {
    return portsCapped;
  }

  /** Edges learned, then taken back because their sender scanned. */
  long revoked() {
    return revoked;
  }

  /** Writes the file when something changed since the last save. */
  synchronized void flush() {
    if (!dirty.getAndSet(false)) {
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("started_at", startedAt.toString());
    ArrayNode list = root.putArray("edges");
    edges.forEach(list::add); // sorted; weakly consistent: an edge added meanwhile sets dirty again
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".learned-edges", ".tmp");
      try {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      syncDirectory(parent);
      saves.incrementAndGet();
    } catch (IOException e) {
      dirty.set(true);
      saveFailures.incrementAndGet();
      log.warn("network learning: cannot save {}: {}", file, e.toString());
    }
  }

  private boolean add(String edge) {
    if (edges.size() >= limits.maxEdges()) {
      edgesCapped++;
      return false;
    }
    String pair = pair(edge);
    if (portsPerPair.getOrDefault(pair, 0) >= limits.maxPortsPerPair()) {
      portsCapped++;
      return false;
    }
    if (edges.add(edge)) {
      portsPerPair.merge(pair, 1, Integer::sum);
      added++;
    }
    return true;
  }

  /** {@code web>db tcp/5432} → {@code web>db tcp}; an edge without port is its own pair. */
  static String pair(String edge) {
    int slash = edge.lastIndexOf('/');
    return slash > edge.lastIndexOf(' ') ? edge.substring(0, slash) : edge;
  }

  /** Makes the rename itself durable. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      log.debug("network learning: cannot fsync {}: {}", dir, e.toString());
    }
  }
}
