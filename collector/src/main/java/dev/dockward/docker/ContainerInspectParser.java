package dev.dockward.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.DeviceMapping;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.PortBinding;
import dev.dockward.event.ResourceLimits;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code GET /containers/<id>/json} → {@link ContainerInfo}. Tolerant of missing and null fields
 * (older and newer daemons differ); capability names are normalised to upper case without the
 * {@code CAP_} prefix, since daemons report both {@code SYS_ADMIN} and {@code CAP_SYS_ADMIN}.
 */
public final class ContainerInspectParser {
  private ContainerInspectParser() {}

  public static ContainerInfo parse(JsonNode inspect) {
    JsonNode config = inspect.path("Config");
    JsonNode hostConfig = inspect.path("HostConfig");
    JsonNode state = inspect.path("State");
    long pid = state.path("Pid").asLong(0);
    boolean running = state.path("Running").asBoolean(false);
    return new ContainerInfo(
        inspect.path("Id").asText(""),
        stripSlash(inspect.path("Name").asText("")),
        config.path("Image").asText(""),
        inspect.path("Image").asText(""),
        stringMap(config.path("Labels")),
        hostConfig.path("Privileged").asBoolean(false),
        capabilities(hostConfig.path("CapAdd")),
        capabilities(hostConfig.path("CapDrop")),
        mounts(inspect.path("Mounts")),
        new NamespaceModes(
            hostConfig.path("PidMode").asText(""),
            hostConfig.path("NetworkMode").asText(""),
            hostConfig.path("IpcMode").asText(""),
            hostConfig.path("UTSMode").asText(""),
            hostConfig.path("UsernsMode").asText(""),
            hostConfig.path("CgroupnsMode").asText("")),
        strings(hostConfig.path("SecurityOpt")),
        limits(hostConfig),
        running && pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty(),
        networks(inspect.path("NetworkSettings").path("Networks")),
        running ? instant(state.path("StartedAt").asText("")) : Optional.empty(),
        ports(hostConfig.path("PortBindings")),
        devices(hostConfig.path("Devices")));
  }

  /** {@code HostConfig.Devices}: null or absent when the container was given none. */
  private static List<DeviceMapping> devices(JsonNode array) {
    List<DeviceMapping> out = new ArrayList<>();
    if (array.isArray()) {
      for (JsonNode d : array) {
        out.add(
            new DeviceMapping(
                d.path("PathOnHost").asText(""),
                d.path("PathInContainer").asText(""),
                d.path("CgroupPermissions").asText("")));
      }
    }
    return out;
  }

  /**
   * Whether the OOM killer killed a process of the container during its last run ({@code
   * State.OOMKilled}); empty when the inspect does not say.
   */
  public static Optional<Boolean> oomKilled(JsonNode inspect) {
    JsonNode value = inspect.path("State").path("OOMKilled");
    return value.isBoolean() ? Optional.of(value.booleanValue()) : Optional.empty();
  }

  /** {@code CAP_sys_admin} and {@code sys_admin} alike become {@code SYS_ADMIN}. */
  static String normaliseCapability(String name) {
    String upper = name.strip().toUpperCase(Locale.ROOT);
    return upper.startsWith("CAP_") ? upper.substring(4) : upper;
  }

  private static String stripSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }

  private static List<String> capabilities(JsonNode array) {
    List<String> caps = new ArrayList<>();
    for (String s : strings(array)) {
      caps.add(normaliseCapability(s));
    }
    return caps;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText("")));
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    if (object.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.put(f.getKey(), f.getValue().asText(""));
      }
    }
    return out;
  }

  private static List<MountInfo> mounts(JsonNode array) {
    List<MountInfo> out = new ArrayList<>();
    if (array.isArray()) {
      for (JsonNode m : array) {
        out.add(
            new MountInfo(
                m.path("Type").asText(""),
                m.path("Source").asText(""),
                m.path("Destination").asText(""),
                m.path("RW").asBoolean(false)));
      }
    }
    return out;
  }

  private static ResourceLimits limits(JsonNode hostConfig) {
    return new ResourceLimits(
        positive(hostConfig.path("Memory")),
        positive(hostConfig.path("NanoCpus")),
        positive(hostConfig.path("CpuQuota")),
        positive(hostConfig.path("CpuPeriod")),
        positive(hostConfig.path("PidsLimit")));
  }

  /** Docker writes 0, -1 or null for "no limit". */
  private static OptionalLong positive(JsonNode n) {
    long v = n.asLong(0);
    return n.isNumber() && v > 0 ? OptionalLong.of(v) : OptionalLong.empty();
  }

  private static Map<String, NetworkEndpoint> networks(JsonNode object) {
    Map<String, NetworkEndpoint> out = new LinkedHashMap<>();
    if (object.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode n = f.getValue();
        out.put(
            f.getKey(),
            new NetworkEndpoint(
                n.path("NetworkID").asText(""),
                n.path("IPAddress").asText(""),
                n.path("MacAddress").asText(""),
                n.path("Gateway").asText("")));
      }
    }
    return out;
  }

  /** {@code {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}, in the daemon's order. */
  private static List<PortBinding> ports(JsonNode object) {
    List<PortBinding> out = new ArrayList<>();
    if (object.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (f.getValue().isArray()) {
          for (JsonNode b : f.getValue()) {
            out.add(
                new PortBinding(
                    f.getKey(), b.path("HostIp").asText(""), b.path("HostPort").asText("")));
          }
        }
      }
    }
    return out;
  }

  private static Optional<Instant> instant(String text) {
    try {
      Instant t = Instant.parse(text);
      return t.getEpochSecond() > 0 ? Optional.of(t) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
