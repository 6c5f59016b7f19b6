package dev.dockward.agent.journal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The journal's tamper evidence: each entry carries {@code SHA-256(previous hash || UTF-8 bytes of
 * the record's JSON text)}. The hash is journal metadata stored beside the JSON text in the same
 * Chronicle entry, not a field of the record, so the JSON contract and what sinks ship stay the
 * same. The first record of a journal chains to {@link #GENESIS} (32 zero bytes).
 */
public final class HashChain {
  /** The hash before the first record. */
  static final byte[] GENESIS = new byte[32];

  private final MessageDigest sha256;

  public HashChain() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The hash of the record whose JSON is {@code json}, following a record whose hash is {@code
   * previous}.
   */
  public byte[] next(byte[] previous, String json) {
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    return next(previous, utf8, 0, utf8.length);
  }

  /**
   * As {@link #next(byte[], String)} over the record's UTF-8 bytes {@code utf8[offset,
   * offset+length)}, hashed where they are (the writer's encoding buffer: no copy, no String).
   */
  public byte[] next(byte[] previous, byte[] utf8, int offset, int length) {
    sha256.update(previous);
    sha256.update(utf8, offset, length);
    return sha256.digest();
  }

  static String hex(byte[] hash) {
    return hash == null ? "none" : HexFormat.of().formatHex(hash);
  }
}
