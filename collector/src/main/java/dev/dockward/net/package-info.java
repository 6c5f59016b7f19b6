/**
 * Traffic between containers on Docker bridges: a frame parser ({@link dev.dockward.net.FrameParser}),
 * a bounded flow table ({@link dev.dockward.net.FlowTable}), capture from {@code AF_PACKET} rings
 * through JNA ({@link dev.dockward.net.PacketRing}), resolution of addresses to containers, an
 * edge policy with a learning mode, and the {@code flow} event source
 * ({@link dev.dockward.net.NetworkFlowSource}).
 */
package dev.dockward.net;
