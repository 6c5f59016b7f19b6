package dev.dockward.agent.cli;
public final class DockwardCli { public static void main(String[] a) {} }
