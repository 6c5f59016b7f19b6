package dev.dockward.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A container as the Docker inventory knows it. Names, labels and image names are set by whoever
 * created the container: untrusted text, kept as is.
 *
 * @param id the full 64-hex id
 * @param name the name without Docker's leading slash
 * @param image the image as the user asked for it, e.g. {@code nginx:1.25}
 * @param imageId the image's content id
 * @param labels the container's labels
 * @param privileged {@code HostConfig.Privileged}
 * @param capAdd capabilities added, as Docker spells them ({@code SYS_ADMIN}, {@code ALL}, …)
 * @param capDrop capabilities dropped
 * @param mounts binds and volumes
 * @param namespaces the namespace modes ({@code host}, {@code container:<id>}, …)
 * @param securityOpt {@code HostConfig.SecurityOpt}, e.g. {@code seccomp=unconfined}
 * @param limits the resource limits
 * @param initPid the host pid of the container's first process, while it runs
 * @param networks the networks it is attached to, by network name
 * @param startedAt when it last started, if known
 * @param ports the ports published on the host ({@code HostConfig.PortBindings})
 * @param devices the host devices given to it ({@code HostConfig.Devices}, {@code --device})
 * @param imageLoaderEnv the dynamic loader's variables its image sets (the image's own {@code
 *     Config.Env}, not the container's, which adds {@code docker run -e}), picked and cut as a
 *     process's {@code loader_env}; empty when it sets none or was not inspected
 */
public record ContainerInfo(
    String id,
    String name,
    String image,
    String imageId,
    Map<String, String> labels,
    boolean privileged,
    List<String> capAdd,
    List<String> capDrop,
    List<MountInfo> mounts,
    NamespaceModes namespaces,
    List<String> securityOpt,
    ResourceLimits limits,
    OptionalLong initPid,
    Map<String, NetworkEndpoint> networks,
    Optional<Instant> startedAt,
    List<PortBinding> ports,
    List<DeviceMapping> devices,
    Map<String, String> imageLoaderEnv) {

  public ContainerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageId, "imageId");
    labels = Map.copyOf(labels);
    capAdd = List.copyOf(capAdd);
    capDrop = List.copyOf(capDrop);
    mounts = List.copyOf(mounts);
    Objects.requireNonNull(namespaces, "namespaces");
    securityOpt = List.copyOf(securityOpt);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(initPid, "initPid");
    networks = Map.copyOf(networks);
    Objects.requireNonNull(startedAt, "startedAt");
    ports = List.copyOf(ports);
    devices = List.copyOf(devices);
    imageLoaderEnv = Map.copyOf(imageLoaderEnv);
  }

  /** A container whose image's loader variables are not known (or that sets none). */
  public ContainerInfo(
      String id,
      String name,
      String image,
      String imageId,
      Map<String, String> labels,
      boolean privileged,
      List<String> capAdd,
      List<String> capDrop,
      List<MountInfo> mounts,
      NamespaceModes namespaces,
      List<String> securityOpt,
      ResourceLimits limits,
      OptionalLong initPid,
      Map<String, NetworkEndpoint> networks,
      Optional<Instant> startedAt,
      List<PortBinding> ports,
      List<DeviceMapping> devices) {
    this(
        id,
        name,
        image,
        imageId,
        labels,
        privileged,
        capAdd,
        capDrop,
        mounts,
        namespaces,
        securityOpt,
        limits,
        initPid,
        networks,
        startedAt,
        ports,
        devices,
        Map.of());
  }

  /** A container given no host device. */
  public ContainerInfo(
      String id,
      String name,
      String image,
      String imageId,
      Map<String, String> labels,
      boolean privileged,
      List<String> capAdd,
      List<String> capDrop,
      List<MountInfo> mounts,
      NamespaceModes namespaces,
      List<String> securityOpt,
      ResourceLimits limits,
      OptionalLong initPid,
      Map<String, NetworkEndpoint> networks,
      Optional<Instant> startedAt,
      List<PortBinding> ports) {
    this(
        id,
        name,
        image,
        imageId,
        labels,
        privileged,
        capAdd,
        capDrop,
        mounts,
        namespaces,
        securityOpt,
        limits,
        initPid,
        networks,
        startedAt,
        ports,
        List.of());
  }

  /** A container known only by its id (found from a cgroup path, not yet in the inventory). */
  public static ContainerInfo unresolved(String id) {
    return new ContainerInfo(
        id,
        "",
        "",
        "",
        Map.of(),
        false,
        List.of(),
        List.of(),
        List.of(),
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.empty(),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  /** This container with its image's loader variables. */
  public ContainerInfo withImageLoaderEnv(Map<String, String> env) {
    return new ContainerInfo(
        id,
        name,
        image,
        imageId,
        labels,
        privileged,
        capAdd,
        capDrop,
        mounts,
        namespaces,
        securityOpt,
        limits,
        initPid,
        networks,
        startedAt,
        ports,
        devices,
        env);
  }

  /** Whether the inventory filled this in (an unresolved container has no image). */
  public boolean resolved() {
    return !image.isEmpty() || !name.isEmpty();
  }
}
