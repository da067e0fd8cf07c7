package dev.torpor.runtime.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Cni} in memory: {@code host-local} hands out 10.0.0.2, .3, ... to containers without one, and refuses a
 * second address to one that has it, as the real one does; the other plugins are recorded and echo their address.
 */
final class FakeCni implements Cni {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each plugin run: "ADD bridge c1", say. */
    final List<String> calls = new ArrayList<>();
    /** The addresses host-local holds, by container. */
    final Map<String, String> reserved = new HashMap<>();
    private int next = 2;

    @Override
    public JsonNode add(ObjectNode list, Attachment at) {
        record("ADD", list, at);
        if (isIpam(list)) {
            if (reserved.containsKey(at.containerId())) throw new IllegalStateException("duplicate allocation for " + at.containerId());
            reserved.put(at.containerId(), "10.0.0." + next++);
            return result(reserved.get(at.containerId()) + "/24");
        }
        return result(list.path("plugins").path(0).path("ipam").path("addresses").path(0).path("address").asText());
    }

    @Override
    public void del(ObjectNode list, Attachment at, JsonNode added) {
        record("DEL", list, at);
        if (isIpam(list)) reserved.remove(at.containerId());
    }

    private void record(String command, ObjectNode list, Attachment at) {
        calls.add(command + " " + list.path("plugins").path(0).path("type").asText() + " " + at.containerId());
    }

    private static boolean isIpam(ObjectNode list) {
        return list.path("plugins").path(0).path("type").asText().equals("host-local");
    }

    private static JsonNode result(String cidr) {
        ObjectNode r = JSON.createObjectNode().put("cniVersion", "1.0.0");
        r.putArray("ips").addObject().put("address", cidr);
        return r;
    }
}
