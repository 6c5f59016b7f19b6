package dev.dockward.agent.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the chain continues after retention deleted the oldest cycles: the index of the first entry
 * kept and the hash of the entry before it, in {@code <journal>/chain.anchor}, written (synced,
 * renamed over the old one) before the files are deleted. With it, {@code replay --verify} checks
 * the oldest kept entry too, and tells cycles retention deleted from cycles someone removed.
 *
 * @param firstIndex the index of the oldest entry retention kept
 * @param previousHash the chain hash of the entry just before it
 */
record ChainAnchor(long firstIndex, byte[] previousHash) {
  static final String FILE = "chain.anchor";
  private static final Pattern LINE =
      Pattern.compile("dockward-chain-anchor 1 (-?[0-9]+) ([0-9a-f]{64})\n?");

  static Optional<ChainAnchor> load(Path journalDir) throws IOException {
    String text;
    try {
      text = Files.readString(journalDir.resolve(FILE), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Matcher m = LINE.matcher(text);
    if (!m.matches()) {
      throw new IOException(journalDir.resolve(FILE) + " is not a chain anchor");
    }
    return Optional.of(
        new ChainAnchor(Long.parseLong(m.group(1)), HexFormat.of().parseHex(m.group(2))));
  }

  void store(Path journalDir, DurableFile files) throws IOException {
    files.replace(
        journalDir.resolve(FILE),
        ("dockward-chain-anchor 1 " + firstIndex + " " + HashChain.hex(previousHash) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
  }
}
