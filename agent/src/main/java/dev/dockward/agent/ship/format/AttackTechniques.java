package dev.dockward.agent.ship.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * MITRE ATT&CK names and tactics of the techniques the bundled rules tag, from the {@code
 * attack-techniques.tsv} resource (made from github.com/mitre/cti; its first line says which
 * release). A technique a user's rule tags that is not listed still maps, by id alone.
 */
final class AttackTechniques {
  /** The ATT&CK release the table was read from. */
  static final String VERSION = "18.1";

  private static final String RESOURCE = "attack-techniques.tsv";

  record Tactic(String id, String name) {}

  record Technique(String id, String name, List<Tactic> tactics) {}

  private final Map<String, Technique> byId;

  private AttackTechniques(Map<String, Technique> byId) {
    this.byId = byId;
  }

  static AttackTechniques bundled() {
    try (InputStream in = AttackTechniques.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AttackTechniques parse(BufferedReader in) throws IOException {
    Map<String, Technique> byId = new TreeMap<>();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split("\t", -1);
      if (cols.length != 3) {
        throw new IllegalStateException(RESOURCE + ": expected 3 tab-separated columns: " + line);
      }
      List<Tactic> tactics = new ArrayList<>();
      for (String t : cols[2].split(",")) {
        int colon = t.indexOf(':');
        tactics.add(new Tactic(t.substring(0, colon), t.substring(colon + 1)));
      }
      byId.put(cols[0], new Technique(cols[0], cols[1], List.copyOf(tactics)));
    }
    return new AttackTechniques(Map.copyOf(byId));
  }

  Optional<Technique> of(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The technique a sub-technique id ({@code T1059.004}) belongs to; the id itself otherwise. */
  static String parentId(String id) {
    int dot = id.indexOf('.');
    return dot < 0 ? id : id.substring(0, dot);
  }

  static boolean isSubTechnique(String id) {
    return id.indexOf('.') > 0;
  }

  /**
   * ATT&CK's page of a technique or sub-technique: {@code T1059.004} → {@code
   * …/techniques/T1059/004/}.
   */
  static String techniqueUrl(String id) {
    return "https://attack.mitre.org/techniques/" + id.replace('.', '/') + "/";
  }

  static String tacticUrl(String id) {
    return "https://attack.mitre.org/tactics/" + id + "/";
  }
}
