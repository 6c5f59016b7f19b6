package dev.dockward.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning mode: for {@code period} after learning first started, every edge between two
 * containers is recorded as expected; afterwards an edge not recorded is unexpected. The start
 * time and the edges live in a small JSON file (written to a temporary file, then moved over the
 * old one), so a restarted agent neither forgets the edges nor starts learning anew. An unreadable
 * file is reported and learning starts over (a broken file must not stop the agent).
 */
final class LearnedEdges {
  private static final Logger log = LoggerFactory.getLogger(LearnedEdges.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Instant startedAt;
  private final Instant until;
  private final Set<String> edges;
  private long saveFailures;

  private LearnedEdges(Path file, Instant startedAt, Duration period, Set<String> edges) {
    this.file = file;
    this.startedAt = startedAt;
    this.until = startedAt.plus(period);
    this.edges = edges;
  }

  /** Loads the learned state from {@code file}, or starts learning at {@code now} when there is none. */
  static LearnedEdges open(Path file, Duration period, Instant now) {
    if (Files.exists(file)) {
      try {
        JsonNode root = JSON.readTree(file.toFile());
        Instant started = Instant.parse(root.path("started_at").asText());
        Set<String> edges = new TreeSet<>();
        root.path("edges").forEach(e -> edges.add(e.asText()));
        log.info("network learning: {} edges learned since {} (from {})", edges.size(), started, file);
        return new LearnedEdges(file, started, period, edges);
      } catch (IOException | DateTimeParseException e) {
        log.warn("network learning: cannot read {} ({}); learning starts over", file, e.getMessage());
      }
    }
    LearnedEdges fresh = new LearnedEdges(file, now, period, new TreeSet<>());
    fresh.save();
    return fresh;
  }

  boolean learning(Instant now) {
    return now.isBefore(until);
  }

  boolean known(String edge) {
    return edges.contains(edge);
  }

  /** Records an edge while learning; saves when it is new. */
  void learn(String edge) {
    if (edges.add(edge)) {
      save();
    }
  }

  int size() {
    return edges.size();
  }

  long saveFailures() {
    return saveFailures;
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("started_at", startedAt.toString());
    ArrayNode list = root.putArray("edges");
    edges.forEach(list::add);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".learned-edges", ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      saveFailures++;
      log.warn("network learning: cannot save {}: {}", file, e.toString());
    }
  }
}
