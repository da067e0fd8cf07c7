package dev.torpor.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The seccomp filter of every function container: an allowlist in the spirit of Docker's default profile
 * ({@code seccomp.json} beside this class), for a process that holds no capabilities. Refused with EPERM: new
 * namespaces ({@code unshare}, {@code setns}, {@code clone} with a CLONE_NEW* flag; {@code clone3} answers ENOSYS
 * so that libc falls back to {@code clone}, whose flags a filter can see), mounts, {@code ptrace} and
 * {@code process_vm_*}, {@code bpf}, {@code perf_event_open}, the kernel keyring, modules, {@code io_uring},
 * {@code userfaultfd}, reboot, swap, clock setting and vsock sockets. CRIU is not hindered: it suspends the filter
 * of the tasks it dumps (PTRACE_O_SUSPEND_SECCOMP) and restores the filter itself, after the rest of the task.
 */
final class SeccompProfile {
    private static final String RESOURCE = "seccomp.json";
    private static final ObjectNode PROFILE = load();

    private SeccompProfile() {}

    /** The profile for this host's architecture: its 32-bit relatives are filtered by the same names. */
    static ObjectNode forArchitecture(String osArch) {
        ObjectNode profile = PROFILE.deepCopy();
        List<String> arches = switch (osArch) {
            case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "aarch64", "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            default -> List.of(); // the native one only
        };
        arches.forEach(profile.putArray("architectures")::add);
        return profile;
    }

    private static ObjectNode load() {
        try (InputStream in = SeccompProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the seccomp profile " + RESOURCE + " is missing from the build");
            return (ObjectNode) new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
