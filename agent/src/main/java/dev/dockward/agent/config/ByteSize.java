package dev.dockward.agent.config;

/**
 * A size from the configuration, in bytes (written {@code 512MiB}, {@code 2GiB}: see {@link
 * Sizes}).
 *
 * @param bytes the size in bytes
 */
public record ByteSize(long bytes) {
  public static ByteSize ofMiB(long n) {
    return new ByteSize(n << 20);
  }

  public static ByteSize ofGiB(long n) {
    return new ByteSize(n << 30);
  }
}
