package dev.dockward.posture;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the audit learnt of one running dockerd.
 *
 * @param process its pid and command line
 * @param settings the command line over {@code daemon.json}
 * @param configFile the {@code daemon.json} it reads (the default or {@code --config-file})
 * @param configKnown whether that file could be read (or was absent): when not, a setting the
 *     command line does not state is unknown, not Docker's default
 * @param apiListeners the TCP sockets dockerd listens on for its API (ports of its {@code tcp://}
 *     hosts)
 * @param sockets its API unix sockets that could be examined
 * @param uid its real user id ({@code /proc/<pid>/status}); empty when unreadable
 * @param apiClients the established connections to its API listeners
 * @param tlsKey the server's private key file, when TLS is on and the file could be examined
 * @param contentTrust {@code DOCKER_CONTENT_TRUST} in its environment, when set and readable
 */
record DaemonFacts(
    DockerdProcess process,
    DaemonSettings settings,
    String configFile,
    boolean configKnown,
    List<TcpListener> apiListeners,
    List<SocketFile> sockets,
    OptionalInt uid,
    List<TcpConnection> apiClients,
    Optional<HostFile> tlsKey,
    Optional<String> contentTrust) {
  DaemonFacts {
    apiListeners = List.copyOf(apiListeners);
    sockets = List.copyOf(sockets);
    apiClients = List.copyOf(apiClients);
  }
}
