package dev.dockward.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The encoder writes Jackson's bytes exactly, or refuses the record. */
class RecordJsonEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // As JournalWriter configures it.
  private static final JsonFactory FACTORY =
      JSON.getFactory()
          .rebuild()
          .disable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();
  private final RecordJsonEncoder encoder = new RecordJsonEncoder();

  static byte[] jackson(Map<String, ?> record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setRootValueSeparator(null);
      JSON.writeValue(g, record);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private void assertSameAsJackson(Map<String, ?> record) {
    byte[] expected = jackson(record);
    assertTrue(
        encoder.encode(record), () -> "refused a " + encoder.refusedType() + " in " + record);
    byte[] actual = Arrays.copyOf(encoder.array(), encoder.size());
    if (!Arrays.equals(expected, actual)) {
      // Show both as text, then fail on the bytes.
      assertEquals(
          new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8));
      assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }
  }

  private static Map<String, Object> one(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  @Test
  void recordsAsThePipelineJournalsThemAreJacksonsBytes() {
    List<Map<String, Object>> records = RecordSamples.records();
    assertTrue(
        records.stream().anyMatch(r -> "alert".equals(r.get("kind"))),
        "the samples raise alerts too");
    assertTrue(
        records.stream()
            .anyMatch(r -> "container_resources".equals(r.get("type")) || r.containsKey("res")),
        "a resource sample, with its doubles");
    for (Map<String, Object> r : records) {
      assertSameAsJackson(r);
    }
  }

  @Test
  void everyAsciiCharacterAloneAndInTextIsEscapedAsJacksonDoes() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      assertSameAsJackson(one("k", String.valueOf(c)));
      assertSameAsJackson(one(String.valueOf(c), "v"));
      all.append(c).append('x');
    }
    assertSameAsJackson(one(all.toString(), all.toString()));
    assertSameAsJackson(one("", ""));
  }

  @Test
  void nonAsciiTextAndSurrogatesAreWrittenAsJacksonDoes() {
    for (String s :
        List.of(
            "\u0080",
            "\u00e9",
            "\u07ff",
            "\u0800",
            "caf\u00e9 \u20ac",
            "\u2028\u2029",
            "\ufffe\uffff",
            "\ud83d\udc33",
            "whale \ud83d\udc33 and \ud83e\udd16",
            "\ud800",
            "\udc00",
            "x\ud800",
            "\udfff\ud800",
            "\udc00\ud83d",
            "\ud83d\ud83d\udc33",
            "\u0000\ud800\u0000")) {
      assertSameAsJackson(one("k", s));
      assertSameAsJackson(one(s, s));
    }
  }

  @Test
  void stringsLongerThanTheBufferAndItsChunksAreWhole() {
    for (int n : new int[] {511, 512, 513, 1023, 1024, 1025, 5000, 70_000}) {
      assertSameAsJackson(one("a", "y".repeat(n)));
      assertSameAsJackson(one("b", "\u20ac".repeat(n)));
      assertSameAsJackson(one("c", "\u0001".repeat(n)));
      assertSameAsJackson(one("d", "x".repeat(n - 1) + "\ud83d\udc33" + "\"".repeat(n)));
    }
  }

  @Test
  void everyNumberTypeIsFormattedAsJacksonDoes() {
    List<Object> numbers =
        new ArrayList<>(
            List.of(
                0,
                1,
                -1,
                Integer.MIN_VALUE,
                Integer.MAX_VALUE,
                0L,
                9L,
                10L,
                -10L,
                99L,
                100L,
                1234567890123L,
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                Long.MIN_VALUE + 1,
                (short) -32768,
                (short) 32767,
                (byte) -128,
                (byte) 127,
                0.0,
                -0.0,
                1.0,
                -1.5,
                0.1,
                1e-7,
                1e-3,
                1e7,
                1e21,
                1e22,
                123456789.123,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                Double.MIN_NORMAL,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                0.0f,
                -0.0f,
                0.1f,
                1e-7f,
                3.4e38f,
                Float.MIN_VALUE,
                Float.NaN,
                Float.NEGATIVE_INFINITY,
                BigInteger.ZERO,
                new BigInteger("-123456789012345678901234567890"),
                BigDecimal.ZERO,
                new BigDecimal("1E+3"),
                new BigDecimal("-0.000000012345"),
                new BigDecimal("12345678901234567890.0987654321"),
                true,
                false));
    for (Object n : numbers) {
      assertSameAsJackson(one("n", n));
    }
    assertSameAsJackson(one("all", numbers));
  }

  @Test
  void structuresNullsAndEmptiesAreWrittenAsJacksonDoes() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("null", null);
    r.put("empty_map", Map.of());
    r.put("empty_list", List.of());
    r.put("empty_array", new Object[0]);
    r.put("strings", new String[] {"a", null, "b"});
    r.put("set", new HashSet<>(List.of("x", "y", "z")));
    r.put("sorted", new TreeMap<>(Map.of("b", 2L, "a", 1L)));
    r.put("hashed", new HashMap<>(Map.of("q", 1, "w", 2, "e", 3)));
    r.put("immutable", Map.of("k1", "v1", "k2", "v2", "k3", List.of(1, 2)));
    r.put("unmodifiable", Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("u", true))));
    r.put("as_list", Arrays.asList(1, null, "two"));
    r.put(
        "mixed", new Object[] {List.of(Map.of()), new Object[] {null}, Map.of("x", new Object[0])});
    assertSameAsJackson(r);
    assertSameAsJackson(Map.of());
    Map<String, Object> nested = new LinkedHashMap<>();
    Object inner = "bottom";
    for (int depth = 1; depth < RecordJsonEncoder.MAX_DEPTH; depth++) {
      inner = depth % 2 == 0 ? one("d" + depth, inner) : List.of(inner);
    }
    nested.put("deep", inner);
    assertSameAsJackson(nested);
  }

  @Test
  void repeatedAndCollidingKeysAreWrittenFromTheirOwnText() {
    // "Aa" and "BB" share a hash: the key cache must tell them apart, and equal keys from new
    // Strings must read the same bytes.
    for (int i = 0; i < 3; i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("Aa", 1);
      r.put("BB", 2);
      r.put(new String("Aa\u00e9".toCharArray()), 3);
      r.put(new String("Aa\u00e9".toCharArray()) + "", 4);
      r.put("k".repeat(65), one("Aa", "BB"));
      assertSameAsJackson(r);
    }
  }

  @Test
  void recordsWithValuesItDoesNotWriteAreRefusedNamingTheType() {
    List<Object> others =
        List.of(
            Instant.EPOCH,
            Optional.of("x"),
            new AtomicLong(3),
            'c',
            new int[] {1},
            new byte[] {1},
            Thread.State.NEW,
            new StringBuilder("sb"),
            Map.entry("k", "v"),
            new Object());
    for (Object other : others) {
      Map<String, Object> r = one("ok", "fine");
      r.put("nested", List.of(one("bad", other)));
      assertFalse(encoder.encode(r), other.getClass().getName());
      assertEquals(other.getClass(), encoder.refusedType());
    }
    Map<Object, Object> numericKeys = new LinkedHashMap<>();
    numericKeys.put(1, "one");
    assertFalse(encoder.encode(Map.of("m", numericKeys)), "non-String keys are Jackson's to write");
    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    assertFalse(
        encoder.encode(Map.of("m", nullKey)), "Jackson refuses null keys; the writer lets it");
    // A record then encodes normally again.
    assertSameAsJackson(one("ok", "fine"));
    assertEquals(null, encoder.refusedType());
  }

  @Test
  void documentsDeeperThanItsLimitAreLeftToJackson() {
    Object inner = "bottom";
    for (int depth = 0; depth < RecordJsonEncoder.MAX_DEPTH + 1; depth++) {
      inner = List.of(inner);
    }
    assertFalse(encoder.encode(Map.of("deep", inner)));
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertFalse(
        encoder.encode(Map.of("cycle", cycle)),
        "a cycle ends at the depth limit, not in a stack overflow");
  }

  @Test
  void randomNestedRecordsAreJacksonsBytes() {
    Random random = new Random(20261123L);
    for (int i = 0; i < 5000; i++) {
      assertSameAsJackson(randomMap(random, 0));
    }
  }

  private static Map<String, Object> randomMap(Random random, int depth) {
    int n = random.nextInt(depth == 0 ? 12 : 6);
    Map<String, Object> m =
        switch (random.nextInt(3)) {
          case 0 -> new HashMap<>();
          case 1 -> new TreeMap<>();
          default -> new LinkedHashMap<>();
        };
    for (int i = 0; i < n; i++) {
      m.put(randomString(random), randomValue(random, depth + 1));
    }
    return m;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth < 5 ? 16 : 13);
    return switch (kind) {
      case 0, 1, 2 -> randomString(random);
      case 3 -> random.nextLong() >> random.nextInt(64);
      case 4 -> random.nextInt() >> random.nextInt(32);
      case 5 -> random.nextBoolean() ? (short) random.nextInt() : (byte) random.nextInt();
      case 6 ->
          random.nextBoolean()
              ? Double.longBitsToDouble(random.nextLong())
              : random.nextDouble() * 1e6;
      case 7 -> random.nextBoolean() ? Float.intBitsToFloat(random.nextInt()) : random.nextFloat();
      case 8 -> random.nextBoolean();
      case 9 -> null;
      case 10 -> new BigInteger(random.nextInt(200) + 1, random);
      case 11 ->
          new BigDecimal(new BigInteger(random.nextInt(100) + 1, random), random.nextInt(40) - 20);
      case 12 -> "";
      case 13 -> randomMap(random, depth);
      case 14 -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
          list.add(randomValue(random, depth + 1));
        }
        yield list;
      }
      default -> {
        Object[] array = new Object[random.nextInt(4)];
        for (int i = 0; i < array.length; i++) {
          array[i] = randomValue(random, depth + 1);
        }
        yield array;
      }
    };
  }

  /** Mostly plain ASCII, with escapes, 2- and 3-byte characters and (lone) surrogates mixed in. */
  private static String randomString(Random random) {
    int n = random.nextInt(20) == 0 ? random.nextInt(3000) : random.nextInt(24);
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int pick = random.nextInt(20);
      if (pick < 12) {
        s.append((char) (0x20 + random.nextInt(0x5f)));
      } else if (pick < 14) {
        s.append((char) random.nextInt(0x80));
      } else if (pick < 16) {
        s.append((char) (0x80 + random.nextInt(0x780)));
      } else if (pick < 18) {
        s.append((char) (0x800 + random.nextInt(0x10000 - 0x800)));
      } else if (pick < 19) {
        s.appendCodePoint(0x10000 + random.nextInt(0x100000));
      } else {
        s.append((char) (0xD800 + random.nextInt(0x800)));
      }
    }
    return s.toString();
  }
}
