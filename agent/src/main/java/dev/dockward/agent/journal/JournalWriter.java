package dev.dockward.agent.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Encodes record maps to JSON and appends them to the journal, on the writer's thread only. The
 * JSON goes as UTF-8 into one reused buffer through one reused generator, and the journal hashes
 * and copies those bytes where they are: no String per record, no second encoding.
 */
public final class JournalWriter {
  private final ChronicleJournal journal;
  private final ObjectMapper json;
  private final JsonFactory factory;
  private final Buffer buffer = new Buffer();
  private JsonGenerator generator;

  public JournalWriter(ChronicleJournal journal, ObjectMapper json) {
    this.journal = journal;
    this.json = json;
    // Jackson's UTF-8 generator writes characters outside the BMP as escaped surrogate pairs,
    // never as 4-byte sequences, which Chronicle's text reader cannot decode: keep it that way.
    this.factory = json.getFactory().rebuild().disable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
  }

  /**
   * Appends one record; returns its journal index.
   *
   * @throws UncheckedIOException when the record cannot be encoded (nothing is appended)
   * @throws JournalFullException when the journal refuses records (full disk)
   */
  public long append(Map<String, Object> record) {
    buffer.reset();
    try {
      JsonGenerator g = generator();
      json.writeValue(g, record);
      g.flush(); // into the buffer (a no-op when the mapper flushed already)
    } catch (IOException | RuntimeException e) {
      // A generator that failed mid-document is in an unknown state: the next record gets a new one.
      generator = null;
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    return journal.appendBmpUtf8(buffer.array(), 0, buffer.size());
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
   * A growable byte buffer whose array is read in place (the journal copies the bytes it is
   * given); unlike ByteArrayOutputStream, not synchronized: one thread writes.
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
