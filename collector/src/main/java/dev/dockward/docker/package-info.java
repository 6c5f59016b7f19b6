/**
 * The Docker daemon as a source: the container inventory (inspect of every running container) kept
 * current from the daemon's event stream, and the container lifecycle and exec events.
 *
 * <p>docker-java is used only as the HTTP transport over the unix socket; the API's JSON is parsed
 * here ({@link dev.dockward.docker.ContainerInspectParser}) so that fields the client library does
 * not model (and capability spellings it would reject) never break the inventory.
 */
package dev.dockward.docker;
