package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One observation of a source. Each kind is a record; {@link #type()} is the {@code type} field of
 * the JSON contract and the value rules match with {@code event.type}, and {@link #putFields}
 * writes the kind's part of its record ({@link EventDocuments#of} writes the common part).
 */
public sealed interface Event
    permits ContainerStarted,
        ContainerStopped,
        DockerExecStarted,
        ContainerOomReported,
        ProcessObserved,
        ResourceSampled,
        PostureFindingChanged,
        ProcessForked,
        ProcessExited,
        UidChanged,
        ProcessTraced,
        AgentLifecycle,
        FlowObserved,
        HostFileChanged,
        ContainerMountAdded,
        DaemonSocketConnected,
        NamespaceChanged,
        CapabilityChanged,
        HostFileWritten,
        FileOpened,
        ContainerFileWritten,
        PacketSocketSeen,
        FileLinked,
        TraceRequested,
        StdioRedirected,
        WatchedFileOpened {

  /** When the source observed it (or when the kernel or daemon stamped it, if known). */
  Instant time();

  /** The contract's {@code type}, e.g. {@code container_start}. */
  String type();

  /** Which source produced it, e.g. {@code docker} or {@code proc_scan}. */
  String source();

  /** The container the event belongs to; empty for the host. */
  Optional<ContainerInfo> container();

  /** The process the event is about, when there is one. */
  default Optional<ProcessInfo> process() {
    return Optional.empty();
  }

  /** The same event attributed to a (better known) container; enrichment uses it. */
  Event withContainer(ContainerInfo container);

  /**
   * The record's {@code process} object, when there is a process: {@link EventDocuments#process}
   * unless the kind adds to it.
   */
  default Optional<Map<String, Object>> processDocument() {
    return process().map(EventDocuments::process);
  }

  /**
   * Puts the kind's own fields into its record, after the envelope, container and process, in the
   * order of the JSON contract. Abstract so that every kind says what its record carries, even when
   * nothing: a new kind does not compile until it does.
   */
  void putFields(Map<String, Object> record);
}
