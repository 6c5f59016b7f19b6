/**
 * Traffic between containers on Docker bridges: a frame parser ({@link
 * dev.dockward.net.FrameParser}), a bounded flow table ({@link dev.dockward.net.FlowTable}),
 * capture from {@code AF_PACKET} rings through JNA ({@link dev.dockward.net.PacketRing}),
 * resolution of addresses to containers (by bridge port, MAC and address, with the evidence of
 * spoofing), and the {@code flow} event source ({@link dev.dockward.net.NetworkFlowSource}). What
 * it reports are facts: the network policy, learning and scan counts are the agent's ({@link
 * dev.dockward.net.FlowJudgement}).
 */
package dev.dockward.net;
