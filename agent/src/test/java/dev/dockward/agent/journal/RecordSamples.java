package dev.dockward.agent.journal;

import dev.dockward.agent.detect.AncestryEnricher;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.event.AgentLifecycle;
import dev.dockward.event.CapabilityChanged;
import dev.dockward.event.ContainerFileWritten;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerMountAdded;
import dev.dockward.event.ContainerOomReported;
import dev.dockward.event.ContainerStarted;
import dev.dockward.event.ContainerStopped;
import dev.dockward.event.DaemonSocketConnected;
import dev.dockward.event.DeviceMapping;
import dev.dockward.event.DockerExecStarted;
import dev.dockward.event.Event;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.ExeSource;
import dev.dockward.event.ExecFile;
import dev.dockward.event.ExecInfo;
import dev.dockward.event.FileLinked;
import dev.dockward.event.FileOpened;
import dev.dockward.event.FindingSeverity;
import dev.dockward.event.FlowAssessment;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.FlowPeer;
import dev.dockward.event.FlowTraffic;
import dev.dockward.event.HostFileChanged;
import dev.dockward.event.HostFileWritten;
import dev.dockward.event.HostInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceChanged;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.PacketSocketSeen;
import dev.dockward.event.PortBinding;
import dev.dockward.event.PostureFinding;
import dev.dockward.event.PostureFindingChanged;
import dev.dockward.event.ProcessExited;
import dev.dockward.event.ProcessForked;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ProcessOrigin;
import dev.dockward.event.ProcessTraced;
import dev.dockward.event.ResourceCounters;
import dev.dockward.event.ResourceLimits;
import dev.dockward.event.ResourceRates;
import dev.dockward.event.ResourceSampled;
import dev.dockward.event.SensorState;
import dev.dockward.event.StdioKind;
import dev.dockward.event.StdioRedirected;
import dev.dockward.event.TraceRequested;
import dev.dockward.event.UidChanged;
import dev.dockward.event.WatchedFileOpened;
import dev.dockward.proc.Ancestor;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Record maps as the pipeline journals them: an event of every kind made into its document by
 * {@link EventDocuments}, and the alerts the bundled rules raise on it through the agent's detector
 * chain (ancestry and rule-set version included). Names and command lines carry hostile text.
 */
public final class RecordSamples {
  private static final String ID =
      "9f2c0c1d2e4b5a6978877665544332211009f2c0c1d2e4b5a697887766554433";
  private static final HostInfo HOST = new HostInfo("web-07", "3d1219c7c4c5404aaa1f6d2a48adfda4");
  private static final Instant T = Instant.parse("2026-11-22T18:02:11.431Z");

  private RecordSamples() {}

  private static ContainerInfo container() {
    return new ContainerInfo(
        ID,
        "web \u00e9\u20ac\ud83d\udc33",
        "nginx:1.25",
        "sha256:abc",
        Map.of("team", "a\nb", "quote\"", "back\\slash\u0001"),
        true,
        List.of("SYS_ADMIN"),
        List.of("NET_RAW"),
        List.of(new MountInfo("bind", "/var/run/docker.sock", "/var/run/docker.sock", true)),
        new NamespaceModes("host", "default", "private", "", "", "host"),
        List.of("seccomp=unconfined"),
        new ResourceLimits(
            OptionalLong.of(123456789),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.of(1027)),
        OptionalLong.of(4200),
        Map.of(
            "bridge", new NetworkEndpoint("n1", "172.17.0.2", "02:42:ac:11:00:02", "172.17.0.1")),
        Optional.of(T),
        List.of(new PortBinding("80/tcp", "", "8080")));
  }

  /** The container given a disk of the host and a hostile device name. */
  private static ContainerInfo withDevice(ContainerInfo c) {
    return new ContainerInfo(
        c.id(),
        c.name(),
        c.image(),
        c.imageId(),
        c.labels(),
        c.privileged(),
        c.capAdd(),
        c.capDrop(),
        c.mounts(),
        c.namespaces(),
        c.securityOpt(),
        c.limits(),
        c.initPid(),
        c.networks(),
        c.startedAt(),
        c.ports(),
        List.of(new DeviceMapping("/dev/sda", "/dev/x\n\"y", "rwm")));
  }

  private static ProcessInfo shell() {
    return new ProcessInfo(
        4242,
        4200,
        123456L,
        "sh\nb\"c\\\u007f\ud800",
        "/bin/busybox",
        "sh -c 'id; echo \t\u2028'",
        true,
        OptionalInt.of(0),
        OptionalInt.of(0),
        OptionalLong.of(0xa80425fbL),
        Map.of("mnt", 4026532254L, "pid", 4026532257L),
        "/docker/" + ID);
  }

  /** An event of every kind (several of some). */
  public static List<Event> everyKind() {
    ContainerInfo c = container();
    ProcessInfo sh = shell();
    ResourceCounters counters =
        new ResourceCounters(
            2,
            new ResourceCounters.Cpu(
                OptionalLong.of(987654321012L),
                OptionalLong.of(50000),
                OptionalLong.of(100000),
                OptionalLong.of(1200),
                OptionalLong.of(37),
                OptionalLong.of(4500000)),
            new ResourceCounters.Memory(
                OptionalLong.of(73400320),
                OptionalLong.of(123456789),
                OptionalLong.empty(),
                OptionalLong.of(1)),
            new ResourceCounters.Pids(
                OptionalLong.of(12), OptionalLong.of(1027), OptionalLong.of(0)),
            ResourceCounters.Io.NONE,
            ResourceCounters.Net.NONE);
    ResourceRates rates =
        new ResourceRates(
            OptionalDouble.of(10.0),
            OptionalDouble.of(0.4537),
            OptionalDouble.of(1e-7),
            OptionalDouble.of(0.0307692307692307),
            OptionalDouble.of(0.25),
            OptionalDouble.of(1234567.891),
            OptionalDouble.of(0),
            OptionalLong.of(1),
            OptionalLong.empty(),
            new ResourceRates.Net(
                OptionalDouble.of(1.0E21),
                OptionalDouble.of(3.5),
                OptionalDouble.empty(),
                OptionalDouble.of(Double.MIN_VALUE)),
            ResourceRates.IoLimitUse.NONE);
    return List.of(
        new ContainerStarted(T, c, true),
        new ContainerStarted(T, withDevice(c), false),
        new ContainerStopped(T, c, OptionalInt.of(137)),
        new ContainerStopped(T, ContainerInfo.unresolved(ID), OptionalInt.empty()),
        new DockerExecStarted(T, c, new ExecInfo("e1", "sh -c id", "", false, true)),
        new ContainerOomReported(T, c),
        new ProcessObserved(T, "proc_scan", sh, Optional.of(c)),
        new ProcessObserved(T, "netlink", sh, Optional.empty()),
        // a shell as it is named: it raises shell_in_container, with the ancestry of its parent
        // 4200
        new ProcessObserved(
            T,
            "netlink",
            new ProcessInfo(
                4242,
                4200,
                123456L,
                "sh",
                "/bin/busybox",
                "sh -c id",
                false,
                OptionalInt.of(0),
                OptionalInt.of(0),
                OptionalLong.of(0xa80425fbL),
                Map.of("mnt", 4026532254L),
                "/docker/" + ID),
            Optional.of(c)),
        // a one-shot binary dropped in /tmp, gone before it was read: its exe from the file its
        // exec opened
        new ProcessObserved(
            T,
            "netlink",
            new ProcessInfo(
                4250,
                4242,
                123460L,
                "",
                "/tmp/x",
                "",
                false,
                OptionalInt.empty(),
                OptionalInt.empty(),
                OptionalLong.empty(),
                Map.of(),
                "",
                Optional.empty(),
                List.of(),
                Optional.of(T.minusSeconds(2))),
            Optional.of(c),
            ProcessOrigin.UNKNOWN,
            Optional.of(
                new ExecFile(
                    "/tmp/x", "0:31", 1048593L, Optional.of(T.minusSeconds(2)), Optional.empty())),
            Optional.of(ExeSource.EXEC_FILE)),
        // a script read as it ran: exe from /proc, the script from the file its exec opened
        new ProcessObserved(
            T,
            "netlink",
            new ProcessInfo(
                4251,
                4242,
                123461L,
                "run.sh",
                "/bin/busybox",
                "/bin/sh /tmp/run.sh",
                false,
                OptionalInt.of(0),
                OptionalInt.of(0),
                OptionalLong.of(0xa80425fbL),
                Map.of("mnt", 4026532254L),
                "/docker/" + ID),
            Optional.of(c),
            ProcessOrigin.UNKNOWN,
            Optional.of(
                new ExecFile(
                    "/bin/busybox",
                    "0:31",
                    1048577L,
                    Optional.empty(),
                    Optional.of("/tmp/run.sh"))),
            Optional.of(ExeSource.PROC)),
        new ResourceSampled(T, c, counters, rates),
        new PostureFindingChanged(
            T,
            new PostureFinding(
                "docker_api_tcp_without_tls",
                Optional.of("2.7"),
                FindingSeverity.CRITICAL,
                "the Docker API listens on 127.0.0.1:2375 without TLS",
                Map.of(
                    "listen",
                    "127.0.0.1:2375",
                    "pid",
                    4242L,
                    "hosts",
                    List.of("tcp://127.0.0.1:2375")),
                "use TLS",
                Optional.empty(),
                "127.0.0.1:2375"),
            PostureFindingChanged.State.OPEN),
        new PostureFindingChanged(
            T,
            new PostureFinding(
                "container_unconfined_seccomp_apparmor",
                Optional.of("5.22"),
                FindingSeverity.HIGH,
                "web runs unconfined",
                Map.of(),
                "confine it",
                Optional.of(c),
                ""),
            PostureFindingChanged.State.RESOLVED),
        new PostureFindingChanged(
            T,
            new PostureFinding(
                "container_image_mutable_tag",
                Optional.empty(),
                FindingSeverity.LOW,
                "web runs by tag",
                Map.of(),
                "pin it",
                Optional.of(c),
                ""),
            PostureFindingChanged.State.OPEN),
        new ProcessForked(T, "netlink", Optional.of(sh), 4242, 4243, Optional.of(c)),
        new ProcessExited(
            T, "netlink", Optional.of(sh), 4242, 1, 9, OptionalLong.of(1500), Optional.of(c)),
        new UidChanged(T, "netlink", sh, 0, 0, OptionalInt.of(1000), Optional.of(c)),
        new ProcessTraced(
            T, "netlink", Optional.of(sh), 4242, Optional.empty(), 1, "", Optional.of(c)),
        new NamespaceChanged(
            T,
            "proc_scan",
            sh,
            Map.of("mnt", 4026531840L),
            List.of("mnt"),
            Optional.of(List.of()),
            Optional.of(c)),
        new CapabilityChanged(T, "proc_scan", sh, 0xa80425fbL, Optional.of(c)),
        new ContainerMountAdded(
            T, "proc_scan", "ext4", "/host", "/", "rw,relatime", 4242, Optional.of(c)),
        new ContainerMountAdded(
            T,
            "host_watch",
            "ext4",
            "/mnt/d\nisk",
            "/",
            "rw,relatime",
            4242,
            Optional.of(new ContainerMountAdded.BlockDevice("/dev/loop3\u2028", "7:3")),
            Optional.of(withDevice(c))),
        new DaemonSocketConnected(
            T, "sock_diag", sh, "/var/run/docker.sock", 31337, 31338, Optional.of(c)),
        new HostFileChanged(
            T,
            "host_watch",
            "core_pattern",
            "/proc/sys/kernel/core_pattern",
            Optional.of("core"),
            "|/tmp/x \"%p\"\n",
            Optional.empty()),
        new HostFileChanged(
            T,
            "host_watch",
            "kernel_modules",
            "/proc/modules",
            Optional.empty(),
            "rootkit,xt_nat",
            Optional.of(c),
            Optional.of(sh)),
        new HostFileWritten(
            T,
            "host_writes",
            Optional.of(sh),
            4242,
            "/h/etc/cron.d/x\n(deleted)",
            "/etc/cron.d/x",
            "/etc",
            "/h/etc",
            Optional.of(c)),
        new HostFileWritten(
            T,
            "host_writes",
            Optional.empty(),
            4243,
            "/authorized_keys",
            "/root/.ssh/authorized_keys",
            "/root/.ssh",
            "/r",
            Optional.of(c)),
        new FileOpened(
            T,
            "sensitive_opens",
            Optional.of(sh),
            4244,
            "/hostetc/shadow",
            Optional.of("/etc/shadow"),
            "mount",
            Optional.of(c)),
        // The opener had ended: its container told by the file (its own copy).
        new FileOpened(
            T,
            "sensitive_opens",
            Optional.empty(),
            4245,
            "/etc/shadow",
            Optional.empty(),
            "mark",
            Optional.of(c)),
        new ContainerFileWritten(
            T,
            "host_writes",
            Optional.of(sh),
            4242,
            "/etc/ld.so.preload",
            "loader_preload",
            Optional.of(c)),
        new ContainerFileWritten(
            T, "host_writes", Optional.empty(), 4243, "/etc/cron.d/x\n(y)", "cron", Optional.of(c)),
        new PacketSocketSeen(
            T,
            "host_watch",
            Optional.of(sh),
            OptionalLong.of(4392004),
            "raw",
            "0003",
            0,
            0,
            Optional.of(c)),
        new PacketSocketSeen(
            T,
            "host_watch",
            Optional.empty(),
            OptionalLong.of(4392005),
            "dgram",
            "0800",
            1,
            1000,
            Optional.of(c)),
        // from audit, at the call of a one-shot program that had closed it before it was read: no
        // inode
        new PacketSocketSeen(
            T, "audit", Optional.of(sh), OptionalLong.empty(), "raw", "0003", 0, 0, Optional.of(c)),
        new FileLinked(
            T,
            "audit",
            Optional.of(sh),
            "symbolic",
            "symlinkat",
            "/tmp/s2",
            "/etc/passwd",
            "s2",
            "../etc/passwd",
            Optional.of(c)),
        new FileLinked(
            T,
            "audit",
            Optional.of(sh),
            "hard",
            "linkat",
            "",
            "/etc/shadow",
            "h\n2",
            "../etc/shadow",
            Optional.of(c)),
        new TraceRequested(T, "audit", Optional.of(sh), 4200, Optional.of(c)),
        new StdioRedirected(
            T, "audit", Optional.of(sh), "dup2", 1, 3, StdioKind.TCP, Optional.of(c)),
        new WatchedFileOpened(
            T,
            "audit",
            Optional.of(sh),
            4200,
            "openat",
            "../../../etc/./shadow",
            "/usr/bin",
            Optional.of("/etc/shadow"),
            Optional.of(c)),
        new WatchedFileOpened(
            T,
            "audit",
            Optional.empty(),
            4201,
            "openat",
            "../shadow",
            "",
            Optional.empty(),
            Optional.of(c)),
        new FlowObserved(
            T,
            new FlowTraffic(
                "end",
                Optional.of("closed"),
                "docker0",
                "tcp",
                5,
                340,
                4,
                275,
                List.of("syn", "ack", "fin"),
                List.of("syn", "ack"),
                T.minusSeconds(2),
                T),
            new FlowPeer(
                FlowPeer.Kind.CONTAINER, "172.17.0.3", 48440, "02:42:ac:11:00:03", Optional.of(c)),
            new FlowPeer(
                FlowPeer.Kind.HOST, "172.17.0.1", 2375, "02:42:7a:1b:2c:3d", Optional.empty()),
            new FlowAssessment("unchecked", "web>host tcp/2375", 10, 1, 1)),
        new AgentLifecycle(
            T,
            AgentLifecycle.Phase.HEARTBEAT,
            "9.9",
            Duration.ofSeconds(30),
            3,
            1,
            Optional.empty()),
        // As the agent under a sandbox without CAP_SYS_ADMIN starts: one sensor blind, one off by
        // config.
        new AgentLifecycle(
            T,
            AgentLifecycle.Phase.STARTED,
            "9.9",
            Duration.ZERO,
            0,
            0,
            Optional.empty(),
            List.of(
                new SensorState("netlink", "running", ""),
                new SensorState(
                    "host_writes",
                    "degraded",
                    "no fanotify (cannot start a fanotify watch: [1] Operation not permitted)"),
                new SensorState(
                    "network", "off", "disabled in the configuration (sources.network.enabled)")),
            List.of("host_writes")));
  }

  /** Event documents and, after each, the alerts the bundled rules raise on it. */
  public static List<Map<String, Object>> records() {
    RecentProcesses recent = new RecentProcesses(10);
    recent.remember(
        new Ancestor(4200, 4100, 100, "sh", "/bin/sh", "sh -c " + "x".repeat(2000), false));
    recent.remember(
        new Ancestor(4100, 1, 50, "containerd-shim", "", "containerd-shim -id " + ID, false));
    Detector detector =
        new AncestryEnricher(
            new RuleDetector(new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet())),
            recent,
            ProcessLineage.NONE);
    List<Map<String, Object>> records = new ArrayList<>();
    RecordIds ids = new RecordIds("3d1219c7c4c5", 0x5eed0fda7a5eed01L, 1);
    for (Event e : everyKind()) {
      Map<String, Object> doc = EventDocuments.of(e, HOST, ids.next());
      records.add(doc);
      records.addAll(detector.alertsFor(doc, ids::next));
    }
    return records;
  }
}
