package dev.dockward.posture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * dockerd's command line → {@link DaemonSettings}. Follows Go's flag syntax as dockerd (pflag)
 * accepts it: {@code --name value}, {@code --name=value}, {@code -H value}, {@code -Hvalue}, {@code
 * -H=value}; booleans as {@code --icc}, {@code --icc=false}. Flags the audit does not look at are
 * skipped.
 */
final class DaemonFlagsParser {
  private static final List<String> BOOLEANS =
      List.of("tls", "tlsverify", "icc", "live-restore", "no-new-privileges", "userland-proxy");

  private DaemonFlagsParser() {}

  static DaemonSettings parse(List<String> argv) {
    List<String> hosts = new ArrayList<>();
    List<String> insecure = new ArrayList<>();
    List<String> mirrors = new ArrayList<>();
    Optional<Boolean> tls = Optional.empty();
    Optional<Boolean> tlsVerify = Optional.empty();
    Optional<Boolean> icc = Optional.empty();
    Optional<Boolean> liveRestore = Optional.empty();
    Optional<Boolean> noNewPrivileges = Optional.empty();
    Optional<Boolean> userlandProxy = Optional.empty();
    Optional<String> userns = Optional.empty();
    Optional<String> bridge = Optional.empty();
    Optional<String> configFile = Optional.empty();
    Optional<String> tlsKey = Optional.empty();
    Optional<String> seccompProfile = Optional.empty();
    Optional<String> logDriver = Optional.empty();
    for (int i = 1; i < argv.size(); i++) {
      String arg = argv.get(i);
      String name;
      Optional<String> inline = Optional.empty();
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
        inline = eq < 0 ? Optional.empty() : Optional.of(arg.substring(eq + 1));
      } else if (arg.startsWith("-") && arg.length() >= 2) {
        name = shorthand(arg.charAt(1));
        String rest = arg.substring(2);
        inline =
            rest.isEmpty()
                ? Optional.empty()
                : Optional.of(rest.startsWith("=") ? rest.substring(1) : rest);
      } else {
        continue; // a stray argument: dockerd takes none
      }
      if (BOOLEANS.contains(name)) {
        boolean value =
            inline.map(v -> !v.equalsIgnoreCase("false") && !v.equals("0")).orElse(true);
        switch (name) {
          case "tls" -> tls = Optional.of(value);
          case "tlsverify" -> tlsVerify = Optional.of(value);
          case "icc" -> icc = Optional.of(value);
          case "live-restore" -> liveRestore = Optional.of(value);
          case "no-new-privileges" -> noNewPrivileges = Optional.of(value);
          default -> userlandProxy = Optional.of(value);
        }
        continue;
      }
      if (!List.of(
              "host",
              "insecure-registry",
              "registry-mirror",
              "userns-remap",
              "bridge",
              "config-file",
              "tlskey",
              "seccomp-profile",
              "log-driver")
          .contains(name)) {
        continue;
      }
      String value;
      if (inline.isPresent()) {
        value = inline.get();
      } else if (i + 1 < argv.size()) {
        value = argv.get(++i);
      } else {
        continue; // dockerd would not have started; nothing to learn from it
      }
      switch (name) {
        case "host" -> hosts.add(value);
        case "insecure-registry" -> insecure.add(value);
        case "registry-mirror" -> mirrors.add(value);
        case "userns-remap" -> userns = Optional.of(value);
        case "bridge" -> bridge = Optional.of(value);
        case "tlskey" -> tlsKey = Optional.of(value);
        case "seccomp-profile" -> seccompProfile = Optional.of(value);
        case "log-driver" -> logDriver = Optional.of(value);
        default -> configFile = Optional.of(value);
      }
    }
    return new DaemonSettings(
        hosts,
        tls,
        tlsVerify,
        icc,
        insecure,
        userns,
        liveRestore,
        noNewPrivileges,
        userlandProxy,
        mirrors,
        bridge,
        configFile,
        tlsKey,
        seccompProfile,
        logDriver);
  }

  /** The one-letter flags that matter here; others map to a name nothing matches. */
  private static String shorthand(char c) {
    switch (c) {
      case 'H':
        return "host";
      case 'b':
        return "bridge";
      default:
        return "-" + c;
    }
  }
}
