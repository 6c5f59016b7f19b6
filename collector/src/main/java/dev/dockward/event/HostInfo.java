package dev.dockward.event;

import java.util.Objects;

/** The host the agent runs on: its name and a stable id (the machine id). */
public record HostInfo(String name, String id) {
  public HostInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
  }
}
