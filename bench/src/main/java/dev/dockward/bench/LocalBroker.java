package dev.dockward.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A single-node KRaft broker on 127.0.0.1 in its own JVM, from the broker jars the agent's build
 * copies to {@code agent/target/kafka-broker} (as the ITs run it), for the shipping benchmarks.
 */
final class LocalBroker implements AutoCloseable {
  private static final Path JARS = Path.of("agent", "target", "kafka-broker").toAbsolutePath();

  private final Process process;
  private final int port;

  private LocalBroker(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LocalBroker start(Path dir) throws Exception {
    if (!Files.isDirectory(JARS)) {
      throw new IllegalStateException(
          JARS + " is missing: run `mvn -B -o -pl agent -am test-compile` once");
    }
    int port = freePort();
    int controller = freePort();
    Files.createDirectories(dir);
    Path config = dir.resolve("server.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controller,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=3",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "auto.create.topics.enable=false",
            ""));
    Files.writeString(
        dir.resolve("log4j.properties"),
        String.join(
            "\n",
            "log4j.rootLogger=WARN, file",
            "log4j.appender.file=org.apache.log4j.FileAppender",
            "log4j.appender.file.File=" + dir.resolve("broker.log"),
            "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
            ""));
    Process format =
        new ProcessBuilder(
                java(
                    dir,
                    List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                        "-c",
                        config.toString())))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("format.log").toFile())
            .start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      throw new IllegalStateException(
          "storage format failed: " + Files.readString(dir.resolve("format.log")));
    }
    Process p =
        new ProcessBuilder(java(dir, List.of("kafka.Kafka", config.toString())))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker.out").toFile())
            .start();
    LocalBroker broker = new LocalBroker(p, port);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Admin admin = broker.admin()) {
      while (System.nanoTime() < end) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "broker exited: " + Files.readString(dir.resolve("broker.out")));
        }
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return broker;
        } catch (Exception e) {
          Thread.sleep(200); // polling a process we started, bounded by the deadline above
        }
      }
    }
    broker.close();
    throw new IllegalStateException("broker not ready in 120 s");
  }

  private static List<String> java(Path dir, List<String> mainAndArgs) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m",
                "-Xmx768m",
                "-Dlog4j.configuration=file:" + dir.resolve("log4j.properties"),
                "-cp",
                JARS + "/*"));
    cmd.addAll(mainAndArgs);
    return cmd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
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

  void createTopic(String name) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
      // Created is not yet led: wait until every partition has its leader, as a topic that
      // existed before the agent started would.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < end) {
        try {
          var d =
              admin
                  .describeTopics(List.of(name))
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .get(name);
          if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
            return;
          }
        } catch (ExecutionException e) {
          // Created, but not yet in the metadata the broker answers from: ask again.
          if (!(e.getCause()
              instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
            throw e;
          }
        }
        Thread.sleep(50); // bounded by the deadline above
      }
      throw new IllegalStateException("topic " + name + " has no leader after 60 s");
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
