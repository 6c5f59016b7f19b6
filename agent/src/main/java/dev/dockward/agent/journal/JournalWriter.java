package dev.dockward.agent.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes record maps to JSON and appends them to the journal, on the writer's thread only. The
 * JSON goes as UTF-8 into one reused buffer through one reused generator, and the journal hashes
 * and copies those bytes where they are: no String per record, no second encoding.
 *
 * <p>Records are encoded by {@link RecordJsonEncoder}, which writes Jackson's bytes without its
 * serializer machinery; a record holding a value that encoder does not write goes through Jackson
 * itself (counted in {@link #jacksonFallbacks()}), and so does every record when the mapper is not
 * configured as the encoder expects (checked once, on a probe record). Every record is first held
 * within {@link RecordBounds}, so none is over {@link RecordBounds#MAX_RECORD_BYTES}.
 */
public final class JournalWriter {
  private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);
  private final ChronicleJournal journal;
  private final ObjectMapper json;
  private final JsonFactory factory;
  private final Buffer buffer = new Buffer();
  private final RecordJsonEncoder encoder = new RecordJsonEncoder();
  private final boolean encoderMatchesMapper;
  private long jacksonFallbacks;
  private Trim lastTrim = Trim.NONE;

  /** The array holding the last encoded record (the encoder's or the buffer's). */
  private byte[] encoded;

  private JsonGenerator generator;

  public JournalWriter(ChronicleJournal journal, ObjectMapper json) {
    this.journal = journal;
    this.json = json;
    // Jackson's UTF-8 generator writes characters outside the BMP as escaped surrogate pairs,
    // never as 4-byte sequences, which Chronicle's text reader cannot decode: keep it that way.
    this.factory =
        json.getFactory()
            .rebuild()
            .disable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    this.encoderMatchesMapper = encoderMatches(json, factory);
    if (!encoderMatchesMapper) {
      log.info(
          "the journal's object mapper is configured differently from a plain one: records are encoded by Jackson");
    }
  }

  /** Records encoded by Jackson because they held a value the fast encoder does not write. */
  public long jacksonFallbacks() {
    return jacksonFallbacks;
  }

  /**
   * Appends one record within {@link RecordBounds}; returns its journal index. The caller's map is
   * not changed: a record with values to cut is journalled as a marked copy.
   *
   * @throws UncheckedIOException when the record cannot be encoded (nothing is appended)
   * @throws JournalFullException when the journal refuses records (full disk)
   */
  public long append(Map<String, Object> record) {
    Map<String, Object> bounded = RecordBounds.capFields(record);
    lastTrim = bounded == record ? Trim.NONE : Trim.FIELD_CAP;
    int size = encode(bounded);
    if (size > RecordBounds.MAX_RECORD_BYTES) {
      bounded = RecordBounds.shrink(bounded, RecordBounds.MAX_RECORD_BYTES, this::encode);
      size = encode(bounded);
      lastTrim = Trim.RECORD_SIZE;
    }
    return journal.appendBmpUtf8(encoded, 0, size);
  }

  /** What {@link #append} had to cut from the last record it journalled. */
  public Trim lastTrim() {
    return lastTrim;
  }

  /** How a record was bounded on its way into the journal. */
  public enum Trim {
    /** Nothing was over a bound. */
    NONE,
    /** Values over their field caps were cut. */
    FIELD_CAP,
    /**
     * The record was over {@link RecordBounds#MAX_RECORD_BYTES} and the size guard cut it further.
     */
    RECORD_SIZE
  }

  /** Encodes the record into {@link #encoded}; returns its size in bytes. */
  private int encode(Map<String, Object> record) {
    if (encoderMatchesMapper) {
      if (encoder.encode(record)) {
        encoded = encoder.array();
        return encoder.size();
      }
      if (jacksonFallbacks++ == 0) {
        log.info(
            "record {} holds a {}: it and records like it are encoded by Jackson",
            record.get("id"),
            encoder.refusedType().getName());
      }
    }
    buffer.reset();
    try {
      JsonGenerator g = generator();
      json.writeValue(g, record);
      g.flush(); // into the buffer (a no-op when the mapper flushed already)
    } catch (IOException | RuntimeException e) {
      // A generator that failed mid-document is in an unknown state: the next record gets a new
      // one.
      generator = null;
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    encoded = buffer.array();
    return buffer.size();
  }

  /**
   * Whether the encoder writes what this mapper writes, on a probe of every kind of value it
   * handles (a mapper with modules or mix-ins may write any type its own way: Jackson only).
   */
  static boolean encoderMatches(ObjectMapper json, JsonFactory factory) {
    if (!json.getRegisteredModuleIds().isEmpty() || json.mixInCount() > 0) {
      return false;
    }
    Map<String, Object> probe = probeRecord();
    RecordJsonEncoder encoder = new RecordJsonEncoder();
    Buffer expected = new Buffer();
    try (JsonGenerator g = factory.createGenerator(expected)) {
      g.setRootValueSeparator(null);
      json.writeValue(g, probe);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return encoder.encode(probe)
        && Arrays.equals(encoder.array(), 0, encoder.size(), expected.array(), 0, expected.size());
  }

  private static Map<String, Object> probeRecord() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("z", null);
    nested.put("a\u0001\"", "\b\t\n\f\r\u001f\u007f\"\\/ \u00e9 \u20ac \ud83d\udc33 \ud800 \u2028");
    nested.put("empty", Map.of());
    List<Object> values =
        new ArrayList<>(
            List.of(
                1,
                2L,
                (short) 3,
                (byte) 4,
                Long.MIN_VALUE,
                1.5,
                -0.0,
                1e-7,
                1e21,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                0.1f,
                Float.POSITIVE_INFINITY,
                true,
                false,
                new java.math.BigInteger("123456789012345678901234567890"),
                new java.math.BigDecimal("1E+3")));
    values.add(null);
    values.add(List.of());
    values.add(new Object[] {"x", 1});
    Map<String, Object> probe = new LinkedHashMap<>();
    probe.put("values", values);
    probe.put("nested", nested);
    return probe;
  }

  private JsonGenerator generator() throws IOException {
    if (generator == null) {
      generator = factory.createGenerator(buffer);
      // Records are separate journal entries: no separator between root-level values.
      generator.setRootValueSeparator(null);
    }
    return generator;
  }

  /**
   * A growable byte buffer whose array is read in place (the journal copies the bytes it is given);
   * unlike ByteArrayOutputStream, not synchronized: one thread writes.
   */
  private static final class Buffer extends OutputStream {
    private byte[] buf = new byte[1024];
    private int size;

    @Override
    public void write(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int offset, int length) {
      ensure(length);
      System.arraycopy(b, offset, buf, size, length);
      size += length;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void reset() {
      size = 0;
    }

    int size() {
      return size;
    }

    byte[] array() {
      return buf;
    }
  }
}
