package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random, truncated and bit-flipped frames: no exception escapes, and bad ones are counted. */
class FrameParserFuzzTest {
  private static final long SEED = 0x5eed_d0c4L;
  private static final int ITERATIONS = 200_000;

  @Test
  void randomBytesNeverThrow() {
    FrameParser parser = new FrameParser();
    Random random = new Random(SEED);
    byte[] buffer = new byte[256];
    for (int i = 0; i < ITERATIONS; i++) {
      int length = random.nextInt(buffer.length + 1);
      random.nextBytes(buffer);
      // Steer a third of them into the interesting EtherTypes, or nothing gets past Ethernet.
      if (length >= 14 && i % 3 == 0) {
        int[] types = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8};
        int t = types[random.nextInt(types.length)];
        buffer[12] = (byte) (t >>> 8);
        buffer[13] = (byte) t;
        if (t == 0x0800 && length > 14) {
          buffer[14] = (byte) (0x40 | (buffer[14] & 0x0f));
        } else if (t == 0x86dd && length > 14) {
          buffer[14] = (byte) (0x60 | (buffer[14] & 0x0f));
        }
      }
      parser.parse(ByteBuffer.wrap(buffer), 0, length, length);
    }
    long parsed = parser.counters().get("frames_parsed");
    assertEquals(ITERATIONS, parsed + parser.malformed());
    assertTrue(parser.malformed() > 0, "random bytes must produce malformed frames");
  }

  @Test
  void everyTruncationAndBitFlipOfRecordedFramesIsHandled() throws Exception {
    List<byte[]> recorded = Frames.load("docker0-tcp-icmp-arp-mld.hex");
    FrameParser parser = new FrameParser();
    Random random = new Random(SEED);
    long calls = 0;
    for (byte[] frame : recorded) {
      for (int cut = 0; cut <= frame.length; cut++) {
        parser.parse(ByteBuffer.wrap(frame), 0, cut, frame.length);
        calls++;
      }
      for (int i = 0; i < 2_000; i++) {
        byte[] flipped = frame.clone();
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          int at = random.nextInt(flipped.length);
          flipped[at] ^= (byte) (1 << random.nextInt(8));
        }
        parser.parse(ByteBuffer.wrap(flipped), 0, flipped.length, flipped.length);
        calls++;
      }
    }
    assertEquals(calls, parser.counters().get("frames_parsed") + parser.malformed());
    // Every frame cut inside its Ethernet header is malformed: at least 14 per recorded frame.
    assertTrue(parser.malformed() >= 14L * recorded.size());
  }

  @Test
  void capturedLengthBeyondTheBufferIsClamped() {
    FrameParser parser = new FrameParser();
    byte[] small = new byte[20];
    small[12] = 0x08;
    assertTrue(parser.parse(ByteBuffer.wrap(small), 0, 1_000, 1_000).isEmpty());
    assertTrue(parser.parse(ByteBuffer.wrap(small), 25, 10, 10).isEmpty());
    assertTrue(parser.parse(ByteBuffer.wrap(small), -3, 10, 10).isEmpty());
  }
}
