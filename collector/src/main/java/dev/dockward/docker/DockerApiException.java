package dev.dockward.docker;

import java.io.IOException;

/** The daemon answered, but not with success (e.g. 404 for a container removed meanwhile). */
public final class DockerApiException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public DockerApiException(int status, String path, String message) {
    super("Docker API " + path + " answered " + status + ": " + message.strip());
    this.status = status;
  }

  public int status() {
    return status;
  }
}
