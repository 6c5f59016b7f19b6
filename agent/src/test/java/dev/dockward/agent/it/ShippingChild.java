package dev.dockward.agent.it;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.ship.FileCheckpoint;
import dev.dockward.agent.ship.KafkaSink;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.ShipperSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's journal-and-ship half as its own process, so that a test can SIGKILL it mid-stream:
 * journals records {@code from..to} at a steady pace while a Kafka shipper ships them, then keeps
 * shipping until its stdin closes, when it stops cleanly.
 *
 * <p>Arguments: journal directory, bootstrap servers, alerts topic, first id, last id.
 */
public final class ShippingChild {
  private ShippingChild() {}

  public static void main(String[] args) throws Exception {
    Path journalDir = Path.of(args[0]);
    int from = Integer.parseInt(args[3]);
    int to = Integer.parseInt(args[4]);
    AgentConfig.Kafka kafka =
        new AgentConfig.Kafka(
            true, args[1], new AgentConfig.Topics(args[2], "unused.events"), false, Map.of());
    try (ChronicleJournal journal = ChronicleJournal.openForWriting(journalDir, "hourly");
        Shipper shipper =
            new Shipper(
                journal,
                KafkaSink.create(kafka),
                FileCheckpoint.forSink(journalDir, KafkaSink.NAME),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START))) {
      shipper.start();
      System.out.println("started");
      for (int i = from; i <= to; i++) {
        journal.append(KafkaShippingIT.record(i));
        // ~50k records/s: a stream a kill can land in the middle of, not one bulk write.
        if (i % 500 == 0) {
          LockSupport.parkNanos(10_000_000);
        }
      }
      System.out.println("journalled " + from + ".." + to);
      while (System.in.read() != -1) {
        // wait for the test to close our stdin
      }
    }
    System.out.println("closed");
  }
}
