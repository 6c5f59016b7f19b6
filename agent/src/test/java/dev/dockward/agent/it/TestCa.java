package dev.dockward.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made with the JDK's keytool: a CA, a broker key pair whose
 * certificate the CA signed for 127.0.0.1, and a truststore holding only the CA. All PKCS12, one
 * password, valid for two days.
 */
final class TestCa {
  static final String PASSWORD = "dockward-test";

  private final Path dir;

  private TestCa(Path dir) {
    this.dir = dir;
  }

  static TestCa create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestCa ca = new TestCa(dir);
    ca.keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=dockward test CA",
        "-ext",
        "bc:c",
        "-keystore",
        ca.file("ca.p12"));
    ca.keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.file("ca.p12"),
        "-file",
        ca.file("ca.pem"));
    ca.keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-keystore",
        ca.file("broker.p12"));
    ca.keytool(
        "-certreq",
        "-alias",
        "broker",
        "-keystore",
        ca.file("broker.p12"),
        "-file",
        ca.file("broker.csr"));
    // The client checks the broker's name (ssl.endpoint.identification.algorithm=https): an IP SAN.
    ca.keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.file("ca.p12"),
        "-infile",
        ca.file("broker.csr"),
        "-outfile",
        ca.file("broker.pem"),
        "-validity",
        "2",
        "-ext",
        "san=ip:127.0.0.1");
    ca.keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        ca.file("ca.pem"),
        "-keystore",
        ca.file("broker.p12"));
    ca.keytool(
        "-importcert",
        "-alias",
        "broker",
        "-file",
        ca.file("broker.pem"),
        "-keystore",
        ca.file("broker.p12"));
    ca.keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        ca.file("ca.pem"),
        "-keystore",
        ca.file("truststore.p12"));
    return ca;
  }

  /** The broker's key and CA-signed certificate chain. */
  Path brokerKeystore() {
    return dir.resolve("broker.p12");
  }

  /** Trusts the test CA only. */
  Path truststore() {
    return dir.resolve("truststore.p12");
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private void keytool(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Path log = dir.resolve("keytool.log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed; see " + log);
    }
  }
}
