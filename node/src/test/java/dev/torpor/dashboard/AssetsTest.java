package dev.torpor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AssetsTest {
    private final Assets assets = new Assets();

    @Test
    void everyFileThePageLoadsIsInTheJarVendoredChartLibraryIncluded() {
        String page = new String(assets.find("").orElseThrow().bytes(), StandardCharsets.UTF_8);
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page);
        int found = 0;
        while (refs.find()) {
            assertThat(assets.find(refs.group(1))).as(refs.group(1)).isPresent();
            found++;
        }
        assertThat(found).isGreaterThanOrEqualTo(5);
        assertThat(new String(assets.find("vendor/uPlot.iife.min.js").orElseThrow().bytes(), StandardCharsets.UTF_8))
                .as("the build vendored uPlot").contains("uPlot");
    }

    @Test
    void scriptImportsResolveToo() {
        String script = new String(assets.find("dashboard.js").orElseThrow().bytes(), StandardCharsets.UTF_8);
        Matcher imports = Pattern.compile("from '\\./([^']+)'").matcher(script);
        while (imports.find()) assertThat(assets.find(imports.group(1))).as(imports.group(1)).isPresent();
        assertThat(assets.find("dashboard.js").orElseThrow().contentType()).startsWith("text/javascript");
    }

    @Test
    void nothingOutsideTheDashboardIsServed() {
        assertThat(assets.find("../runtime/oci/seccomp.json")).isEmpty();
        assertThat(assets.find("/etc/passwd")).isEmpty();
        assertThat(assets.find("vendor/../../api/Router.class")).isEmpty();
        assertThat(assets.find("missing.js")).isEmpty();
    }
}
