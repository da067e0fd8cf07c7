package dev.torpor.runtime.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * The CNI conventions (specification 1.0) as the node uses them: a network configuration list run against one
 * container's network namespace. Each method either does what it says or throws {@link dev.torpor.TorporException}
 * carrying the failing plugin's message.
 */
interface Cni {

    /** Where a network is attached: the container, its namespace and the interface inside it. */
    record Attachment(String containerId, Path netns, String ifname) {}

    /** {@code CNI_COMMAND=ADD} of each plugin of {@code list} in order, each given the one before's result; the last result. */
    JsonNode add(ObjectNode list, Attachment at);

    /** {@code CNI_COMMAND=DEL} of each plugin in reverse order, given what {@code add} returned (null when unknown). */
    void del(ObjectNode list, Attachment at, JsonNode added);
}
