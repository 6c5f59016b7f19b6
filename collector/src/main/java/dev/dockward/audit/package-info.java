/**
 * Exec events from the Linux audit subsystem ({@code NETLINK_AUDIT}) through JNA.
 *
 * <p>Why: the process connector says "pid N executed" and the agent then reads /proc, which races
 * the process: a one-shot command is gone before it is read, and its exec event then has no program
 * and no arguments. The audit subsystem records the program, every argument, the working directory
 * and the user in the kernel, at the syscall's exit, whether or not the process lives on.
 *
 * <p>How: {@link dev.dockward.audit.AuditControl} takes the audit pid when no audit daemon owns it,
 * or reads the multicast copy beside auditd (never replacing it, never touching its rules), turns
 * auditing on if it was off and adds its rule, {@code -a always,exit -F arch=b64 -S execve,execveat
 * -k dockward}, and the same for {@code arch=b32}, beside two narrow rules of the same key for
 * links ({@code -S link,linkat,symlink,symlinkat -F success=1}) and PTRACE_TRACEME ({@code -S
 * ptrace -F a0=0}) and packet sockets ({@code -S socket -F success=1 -F a0=17}); on close it gives
 * back exactly that. Those calls are assembled by {@code AuditCallAssembler} and reported as {@code
 * file_link}, {@code ptrace_traceme} and {@code packet_socket} events (links and packet sockets of
 * container processes only; a packet socket the host watch found open first is not reported again,
 * nor one this source reported found again by the host watch). Read watches ({@code -w FILE -p r},
 * same key) on the credentials files of the sensitive open list, the host's and each running
 * container's through its init's root ({@code AuditReadWatches}), give {@code watched_file_open}
 * events carrying the name as the program passed it ({@code AuditOpens}). A pure parser ({@code
 * AuditRecordParser}) and assembler ({@code AuditEventAssembler}) turn the SYSCALL, EXECVE, CWD,
 * PATH and PROCTITLE records of one serial, ended by EOE, into an {@code AuditExec}; {@link
 * dev.dockward.audit.AuditExecSource} reads the process from /proc at once for what audit does not
 * carry (namespaces, capabilities, descriptors) and attributes it to its container: its own cgroup
 * while it lives, else its parent's, else the container remembered for the pid or its parent from
 * an earlier exec.
 *
 * <p>Sharing exec events with the netlink source: while this source runs (its rule in place,
 * auditing on, the records reaching it) it alone reports {@code exec} events, and the namespace and
 * capability changes that come with an exec ({@code ExecChanges}, against the same process's
 * previous exec); the netlink source still handles every exec — it reads the process's start time
 * and cgroup only (two files, not the ~17 of a whole read: this source reads the rest, once), keeps
 * its process table for fork, exit, uid and ptrace attribution and claims the process from the
 * /proc rescan — but does not emit the {@code exec} event itself. A shared flag says which source
 * reports execs; it falls back to netlink within one rule check (5 s) when auditing stops working
 * (turned off, our rule deleted and not restorable, the pid lost). We chose this over merging the
 * two events (the audit record filling in the netlink exec's program and arguments) because a merge
 * must hold every netlink exec until its audit record arrives or a timeout passes, which delays
 * every exec event and still needs the same fallback; the cost of the choice is that an exec audit
 * does not record (a process forked before auditing was first turned on since boot, or a host rule
 * such as {@code -a never,task}) is not reported while audit is live.
 */
package dev.dockward.audit;
