package dev.dockward.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The version of a loaded rule set: SHA-256 over the texts of its rule files in load order (each
 * preceded by its length, so that moving text from one file to the next changes it). Origins are
 * left out: the same rules read from another path are the same rule set. An alert names it, so a
 * SOC can tell which rules raised an alert and that a reload changed them.
 *
 * @param sha256 the whole digest, 64 hex digits
 * @param bundled whether the bundled rules are among the files (their version is the agent's)
 */
public record RuleSetDigest(String sha256, boolean bundled) {
  /** Characters of the digest in its short form. */
  public static final int SHORT = 16;

  /** The digest of these files, in this order. */
  public static RuleSetDigest of(List<RuleFile> files) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    boolean bundled = false;
    for (RuleFile file : files) {
      byte[] text = file.text().getBytes(StandardCharsets.UTF_8);
      sha.update((text.length + ":").getBytes(StandardCharsets.US_ASCII));
      sha.update(text);
      bundled |= file.origin().startsWith("bundled/");
    }
    return new RuleSetDigest(HexFormat.of().formatHex(sha.digest()), bundled);
  }

  /** The first {@link #SHORT} hex digits: what alerts carry. */
  public String shortForm() {
    return sha256.substring(0, SHORT);
  }
}
