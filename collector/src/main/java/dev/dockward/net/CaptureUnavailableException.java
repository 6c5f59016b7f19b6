package dev.dockward.net;

/**
 * Packet capture cannot work here: no {@code CAP_NET_RAW}, no {@code AF_PACKET}, or no libc
 * binding.
 */
public final class CaptureUnavailableException extends Exception {
  public CaptureUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
