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

  /** The hash of the record whose JSON is {@code json}, following a record whose hash is {@code previous}. */
  public byte[] next(byte[] previous, String json) {
    sha256.update(previous);
    sha256.update(json.getBytes(StandardCharsets.UTF_8));
    return sha256.digest();
  }

  static String hex(byte[] hash) {
    return hash == null ? "none" : HexFormat.of().formatHex(hash);
  }
}
