package dev.torpor.runtime.cni;

import java.util.List;

/**
 * The chains CNI's {@code firewall} plugin makes on its first ADD ({@code CNI-FORWARD}, jumped to from
 * {@code FORWARD}, and {@code CNI-ADMIN} for the administrator's own rules) and never removes. They are shared with
 * every other CNI user of the host (another node, a container engine), so they go only when nothing but their own
 * skeleton is in them.
 */
final class FirewallChains {
    private static final String FORWARD = "CNI-FORWARD";
    private static final String ADMIN = "CNI-ADMIN";
    private static final String JUMP_COMMENT = "CNI firewall plugin rules";

    private FirewallChains() {}

    static void removeIfUnused() {
        if (rules(FORWARD) > 1 || rules(ADMIN) > 0) return; // someone's container, or the administrator's own rule
        HostCommands.iptablesAllowingFailure("-D", "FORWARD", "-m", "comment", "--comment", JUMP_COMMENT, "-j", FORWARD);
        for (String chain : List.of(FORWARD, ADMIN)) HostCommands.iptablesAllowingFailure("-F", chain);
        for (String chain : List.of(FORWARD, ADMIN)) HostCommands.iptablesAllowingFailure("-X", chain);
    }

    /** How many rules the chain holds; none when it is not there. */
    private static long rules(String chain) {
        HostCommands.Result r = HostCommands.iptablesAllowingFailure("-S", chain);
        return r.exitStatus() != 0 ? 0 : r.output().lines().filter(l -> l.startsWith("-A ")).count();
    }
}
