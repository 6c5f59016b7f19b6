package dev.dockward.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockward.event.ContainerInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh listing of the running containers, inspected one by one. For the posture audit, which
 * must tell "no containers" from "the daemon did not answer" (the inventory cannot).
 */
public final class RunningContainers {
  private RunningContainers() {}

  /**
   * @throws IOException when the daemon cannot be asked; a container removed between the listing
   *     and its inspection is left out
   */
  public static List<ContainerInfo> list(DockerApi api) throws IOException {
    return inspected(api).stream().map(ContainerInspectParser::parse).toList();
  }

  /** The same listing as the daemon's raw inspect documents, for readers that need more fields. */
  public static List<JsonNode> inspected(DockerApi api) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode summary : api.get("/containers/json")) {
      String id = summary.path("Id").asText("");
      try {
        out.add(api.get("/containers/" + id + "/json"));
      } catch (DockerApiException e) {
        if (e.status() != 404) {
          throw e;
        }
      }
    }
    return out;
  }
}
