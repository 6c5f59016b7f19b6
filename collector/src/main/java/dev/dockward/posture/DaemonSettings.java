package dev.dockward.posture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daemon settings the audit looks at, as one source states them (the command line or {@code
 * daemon.json}). Empty means "not stated here", so merging two sources and applying Docker's
 * defaults stay separate steps.
 *
 * @param hosts {@code -H}/{@code --host} / {@code hosts}: {@code unix://…}, {@code tcp://…}, {@code
 *     fd://}
 * @param tls {@code --tls}
 * @param tlsVerify {@code --tlsverify} (implies TLS)
 * @param icc {@code --icc}: traffic between containers on the default bridge
 * @param insecureRegistries {@code --insecure-registry} / {@code insecure-registries}
 * @param usernsRemap {@code --userns-remap}
 * @param liveRestore {@code --live-restore}
 * @param noNewPrivileges {@code --no-new-privileges}, daemon-wide
 * @param userlandProxy {@code --userland-proxy}
 * @param registryMirrors {@code --registry-mirror} / {@code registry-mirrors}
 * @param bridge {@code -b}/{@code --bridge}; {@code none} turns the default bridge off
 * @param configFile {@code --config-file} (command line only)
 * @param tlsKey {@code --tlskey}: the server's private key file
 * @param seccompProfile {@code --seccomp-profile}: {@code unconfined}, {@code builtin} or a file
 * @param logDriver {@code --log-driver}: the containers' default log driver
 */
record DaemonSettings(
    List<String> hosts,
    Optional<Boolean> tls,
    Optional<Boolean> tlsVerify,
    Optional<Boolean> icc,
    List<String> insecureRegistries,
    Optional<String> usernsRemap,
    Optional<Boolean> liveRestore,
    Optional<Boolean> noNewPrivileges,
    Optional<Boolean> userlandProxy,
    List<String> registryMirrors,
    Optional<String> bridge,
    Optional<String> configFile,
    Optional<String> tlsKey,
    Optional<String> seccompProfile,
    Optional<String> logDriver) {

  static final DaemonSettings NONE =
      new DaemonSettings(
          List.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  DaemonSettings {
    hosts = List.copyOf(hosts);
    insecureRegistries = List.copyOf(insecureRegistries);
    registryMirrors = List.copyOf(registryMirrors);
  }

  /**
   * These settings (the command line) over {@code file}'s. dockerd refuses to start when both name
   * the same setting, so for a running daemon there is nothing to arbitrate; lists are joined.
   */
  DaemonSettings over(DaemonSettings file) {
    return new DaemonSettings(
        join(hosts, file.hosts),
        or(tls, file.tls),
        or(tlsVerify, file.tlsVerify),
        or(icc, file.icc),
        join(insecureRegistries, file.insecureRegistries),
        or(usernsRemap, file.usernsRemap),
        or(liveRestore, file.liveRestore),
        or(noNewPrivileges, file.noNewPrivileges),
        or(userlandProxy, file.userlandProxy),
        join(registryMirrors, file.registryMirrors),
        or(bridge, file.bridge),
        configFile,
        or(tlsKey, file.tlsKey),
        or(seccompProfile, file.seccompProfile),
        or(logDriver, file.logDriver));
  }

  private static <T> Optional<T> or(Optional<T> first, Optional<T> second) {
    return first.isPresent() ? first : second;
  }

  private static List<String> join(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    b.stream().filter(x -> !out.contains(x)).forEach(out::add);
    return out;
  }
}
