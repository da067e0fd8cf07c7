package dev.torpor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issuing with Bouncy Castle, loading with the JDK alone, and telling a member from a stranger. */
class ClusterTlsTest {
    private static final Duration YEAR = Duration.ofDays(365);

    @TempDir
    Path dir;

    @Test
    void aNodeCertificateIsLoadedAndNamesItsNodeAndAddresses() throws Exception {
        ClusterAuthority ca = ClusterAuthority.create(dir.resolve("ca"), "test CA", YEAR);
        Path edgeA = ca.issue("edge-a", List.of("127.0.0.2", "edge-a.local"), YEAR);

        ClusterTls tls = ClusterTls.load(edgeA);
        assertThat(tls.nodeId()).isEqualTo("edge-a");
        X509Certificate cert = Pem.certificates(edgeA.resolve(ClusterTls.NODE_CERT)).getFirst();
        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
                .containsExactlyInAnyOrder("edge-a", "127.0.0.2", "edge-a.local");
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        for (Path key : List.of(dir.resolve("ca").resolve(ClusterAuthority.CA_KEY), edgeA.resolve(ClusterTls.NODE_KEY))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).as(key.toString()).isEqualTo("rw-------");
        }
        assertThat(tls.member(new X509Certificate[] {cert})).isEqualTo("edge-a");
    }

    @Test
    void aStrangerIsNoMemberWithAnotherCasCertificateOrNone() {
        ClusterTls member = ClusterTls.load(ClusterAuthority.create(dir.resolve("ca"), "ours", YEAR).issue("edge-a", List.of(), YEAR));
        Path stranger = ClusterAuthority.create(dir.resolve("other"), "theirs", YEAR).issue("edge-a", List.of(), YEAR);

        assertThatThrownBy(() -> member.member(Pem.certificates(stranger.resolve(ClusterTls.NODE_CERT)).toArray(X509Certificate[]::new)))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_A_MEMBER))
                .hasMessageContaining("'edge-a' is not one");
        assertThatThrownBy(() -> member.member(new X509Certificate[0]))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_A_MEMBER))
                .hasMessageContaining("no TLS client certificate");
    }

    @Test
    void aNodeRefusesItsOwnCertificateFromAnotherCa() throws Exception {
        Path node = ClusterAuthority.create(dir.resolve("ca"), "ours", YEAR).issue("edge-a", List.of(), YEAR);
        ClusterAuthority.create(dir.resolve("other"), "theirs", YEAR);
        Files.copy(dir.resolve("other").resolve(ClusterTls.CA_CERT), node.resolve(ClusterTls.CA_CERT),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> ClusterTls.load(node)).isInstanceOf(TorporException.class).hasMessageContaining("is not a member certificate");
    }

    @Test
    void theCaIsNeverReplacedAndNodesAreIssuedAgainWithNewKeys() throws Exception {
        ClusterAuthority.create(dir, "ours", YEAR);
        assertThatThrownBy(() -> ClusterAuthority.create(dir, "again", YEAR)).isInstanceOf(TorporException.class).hasMessageContaining("exists already");

        Path node = ClusterAuthority.open(dir).issue("edge-a", List.of(), YEAR);
        String firstKey = Files.readString(node.resolve(ClusterTls.NODE_KEY));
        ClusterAuthority.open(dir).issue("edge-a", List.of("127.0.0.2"), YEAR);
        assertThat(Files.readString(node.resolve(ClusterTls.NODE_KEY))).isNotEqualTo(firstKey);
        assertThat(ClusterTls.load(node).nodeId()).isEqualTo("edge-a");
        assertThatThrownBy(() -> ClusterAuthority.open(dir).issue("../evil", List.of(), YEAR)).isInstanceOf(TorporException.class)
                .hasMessageContaining("a node id is");
    }

    @Test
    void whileACaIsReplacedBothAreTrusted() throws Exception {
        Path oldNode = ClusterAuthority.create(dir.resolve("old"), "old", YEAR).issue("edge-a", List.of(), YEAR);
        Path newNode = ClusterAuthority.create(dir.resolve("new"), "new", YEAR).issue("edge-b", List.of(), YEAR);
        Files.writeString(oldNode.resolve(ClusterTls.CA_CERT), Files.readString(dir.resolve("old").resolve(ClusterTls.CA_CERT))
                + Files.readString(dir.resolve("new").resolve(ClusterTls.CA_CERT)));

        assertThat(ClusterTls.load(oldNode).member(Pem.certificates(newNode.resolve(ClusterTls.NODE_CERT)).toArray(X509Certificate[]::new)))
                .isEqualTo("edge-b");
    }

    /** The node's memory holds no Bouncy Castle: loading its certificate needs the JDK and Torpor's classes only. */
    @Test
    void loadingNeedsNoBouncyCastle() throws Exception {
        Path node = ClusterAuthority.create(dir, "ours", YEAR).issue("edge-a", List.of(), YEAR);
        URL classes = ClusterTls.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader jdkAndTorpor = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> tls = jdkAndTorpor.loadClass(ClusterTls.class.getName());
            Object loaded = tls.getMethod("load", Path.class).invoke(null, node);
            assertThat(tls.getMethod("nodeId").invoke(loaded)).isEqualTo("edge-a");
            tls.getMethod("serverContext").invoke(loaded);
            tls.getMethod("clientContext").invoke(loaded);
        }
    }
}
