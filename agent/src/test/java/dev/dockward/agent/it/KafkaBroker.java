package dev.dockward.agent.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) in its own JVM,
 * listening on 127.0.0.1 only, run from the jars Maven copied to {@code target/kafka-broker}. Its
 * storage, config and log live in a directory the test owns; {@link #kill()} and {@link #start()}
 * let a test take it away and bring it back on the same port with the same data.
 */
final class KafkaBroker implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final Path JARS = Path.of("target", "kafka-broker").toAbsolutePath();

  private final Path dir;
  private final int port;
  private final int sslPort;
  private final int saslPort;
  private Process process;

  /** The one user of the SASL PLAIN listener, and its password. */
  static final String SASL_USER = "dockward";

  static final String SASL_PASSWORD = "right-secret";

  private KafkaBroker(Path dir, int port, int sslPort, int saslPort) {
    this.dir = dir;
    this.port = port;
    this.sslPort = sslPort;
    this.saslPort = saslPort;
  }

  /**
   * Formats storage in {@code dir} and starts the broker with a plaintext listener and a TLS one
   * whose certificate {@code ca} signed; returns once it answers requests.
   */
  static KafkaBroker start(Path dir, TestCa ca) throws Exception {
    if (!Files.isDirectory(JARS)) {
      throw new IllegalStateException(
          JARS
              + " lacks the broker jars: run the tests through Maven "
              + "(the copy-kafka-broker execution puts them there)");
    }
    int port = freePort();
    int controllerPort = freePort();
    int sslPort = freePort();
    int saslPort = freePort();
    Files.createDirectories(dir);
    Path config = dir.resolve("server.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:"
                + port
                + ",SSL://127.0.0.1:"
                + sslPort
                + ",SASL_PLAINTEXT://127.0.0.1:"
                + saslPort
                + ",CONTROLLER://127.0.0.1:"
                + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:"
                + port
                + ",SSL://127.0.0.1:"
                + sslPort
                + ",SASL_PLAINTEXT://127.0.0.1:"
                + saslPort,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms=PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required user_"
                + SASL_USER
                + "=\""
                + SASL_PASSWORD
                + "\";",
            "ssl.keystore.type=PKCS12",
            "ssl.keystore.location=" + ca.brokerKeystore(),
            "ssl.keystore.password=" + TestCa.PASSWORD,
            "ssl.key.password=" + TestCa.PASSWORD,
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=3",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            // Topics are created by the tests: a topic that appears by accident hides a routing
            // bug.
            "auto.create.topics.enable=false",
            ""));
    Files.writeString(
        dir.resolve("log4j.properties"),
        String.join(
            "\n",
            "log4j.rootLogger=INFO, file",
            "log4j.appender.file=org.apache.log4j.FileAppender",
            "log4j.appender.file.File=" + dir.resolve("broker.log"),
            "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
            ""));
    run(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            Uuid.randomUuid().toString(),
            "-c",
            config.toString()),
        dir.resolve("format.log"));
    KafkaBroker broker = new KafkaBroker(dir, port, sslPort, saslPort);
    broker.start();
    return broker;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static List<String> java(Path dir, List<String> mainAndArgs) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Two shared cores: a small heap and the serial collector keep the broker from
                // crowding the tests.
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dlog4j.configuration=file:" + dir.resolve("log4j.properties"),
                "-cp",
                JARS + "/*"));
    cmd.addAll(mainAndArgs);
    return cmd;
  }

  private static void run(List<String> mainAndArgs, Path log) throws Exception {
    Path dir = log.getParent();
    Process p =
        new ProcessBuilder(java(dir, mainAndArgs))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(mainAndArgs.get(0) + " did not finish; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          mainAndArgs.get(0) + " failed (" + p.exitValue() + "): " + Files.readString(log));
    }
  }

  /**
   * Starts (or restarts) the broker process on the same port and data; returns once it is ready.
   */
  void start() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("broker already running, pid " + process.pid());
    }
    process =
        new ProcessBuilder(
                java(dir, List.of("kafka.Kafka", dir.resolve("server.properties").toString())))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()))
            .start();
    long end = System.nanoTime() + READY.toNanos();
    Exception last = null;
    try (Admin admin = admin()) {
      while (System.nanoTime() - end < 0) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "broker exited with " + process.exitValue() + "; log: " + tail());
        }
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          last = e;
        }
      }
    }
    throw new IllegalStateException(
        "broker not ready within " + READY + " (" + last + "); log: " + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("broker.out"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no broker.out: " + e + ")";
    }
  }

  /** Starts the broker again if a test killed it and failed before bringing it back. */
  void ensureRunning() throws Exception {
    if (!process.isAlive()) {
      start();
    }
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * The TLS listener: clients need {@code security.protocol=SSL} and a truststore with the test CA.
   */
  String sslBootstrapServers() {
    return "127.0.0.1:" + sslPort;
  }

  /**
   * The SASL PLAIN listener (no TLS): clients need {@code security.protocol=SASL_PLAINTEXT} and a
   * JAAS config.
   */
  String saslBootstrapServers() {
    return "127.0.0.1:" + saslPort;
  }

  long pid() {
    return process.pid();
  }

  Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10000));
  }

  void createTopics(String... names) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, 3, (short) 1));
    }
    try (Admin admin = admin()) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  /** SIGKILL to the broker's own PID: the outage a crash or a pulled cable looks like. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("broker pid " + process.pid() + " survived SIGKILL");
    }
  }

  Properties consumerProperties() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "5000");
    return p;
  }

  /** SIGTERM and a clean shutdown; SIGKILL if it takes longer than 30 s. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
