package dev.dockward.packaging;

import dev.dockward.agent.cli.DockwardCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the package's generated documents at build time: {@code dockward.1.gz}, the man page,
 * rendered as troff straight from the picocli model of {@code dockward} (so it cannot drift from
 * {@code --help}), {@code changelog.Debian.gz} with the one entry for the version built, and {@code
 * completion/dockward}, the bash completion script picocli generates from the same model. The first
 * two are gzipped as Debian wants them (maximum compression, no name or time in the header).
 *
 * <p>Arguments: the output directory, the Maven version and the Debian revision; the package
 * version is the Maven version as jdeb writes it ({@code -SNAPSHOT} as {@code ~SNAPSHOT}), a hyphen
 * and the revision, as in the control file. The date is {@code SOURCE_DATE_EPOCH} when set
 * (reproducible builds), else now.
 */
public final class DebDocs {
  private DebDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: DebDocs OUTPUT_DIR MAVEN_VERSION DEB_REVISION");
    }
    Path out = Files.createDirectories(Path.of(args[0]));
    String epoch = System.getenv("SOURCE_DATE_EPOCH");
    Instant when =
        epoch == null || epoch.isBlank()
            ? Instant.now()
            : Instant.ofEpochSecond(Long.parseLong(epoch));
    String debVersion = args[1].replace("-SNAPSHOT", "~SNAPSHOT") + "-" + args[2];
    gzip(ManPage.render(DockwardCli.commandLine(), args[1], when), out.resolve("dockward.1.gz"));
    gzip(changelog(debVersion, when), out.resolve("changelog.Debian.gz"));
    Path completion = Files.createDirectories(out.resolve("completion"));
    Files.writeString(completion.resolve("dockward"), completion(DockwardCli.commandLine()));
  }

  /**
   * The bash completion script of {@code dockward}: every command, option and the values an enum
   * option takes.
   */
  static String completion(CommandLine root) {
    return AutoComplete.bash("dockward", root);
  }

  static String changelog(String debVersion, Instant when) {
    String date =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .format(when.atZone(ZoneOffset.UTC));
    return "dockward ("
        + debVersion
        + ") unstable; urgency=medium\n\n"
        + "  * Package of Dockward "
        + debVersion
        + ": the agent and its dependencies under\n"
        + "    /usr/share/dockward, the launcher /usr/bin/dockward, the commented default\n"
        + "    configuration /etc/dockward/dockward.yaml, the hardened systemd unit,\n"
        + "    the journal directory /var/lib/dockward, the man page dockward(1) and the\n"
        + "    documentation under /usr/share/doc/dockward.\n\n"
        + " -- Dockward developers <dev@dockward.dev>  "
        + date
        + "\n";
  }

  /** gzip -9n: header without name or time, XFL 2 (maximum compression), OS 3 (Unix). */
  static void gzip(String text, Path file) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try (OutputStream deflate = new DeflaterOutputStream(buf, deflater)) {
      deflate.write(data);
    } finally {
      deflater.end();
    }
    CRC32 crc = new CRC32();
    crc.update(data);
    writeLe(buf, crc.getValue());
    writeLe(buf, data.length & 0xffffffffL);
    Files.write(file, buf.toByteArray());
  }

  private static void writeLe(ByteArrayOutputStream buf, long value) {
    for (int i = 0; i < 4; i++) {
      buf.write((int) (value >>> (8 * i)) & 0xff);
    }
  }
}
