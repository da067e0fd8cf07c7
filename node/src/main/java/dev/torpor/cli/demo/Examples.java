package dev.torpor.cli.demo;

import dev.torpor.cli.client.CodeZip;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/** The examples shipped inside the jar (Maven copies {@code examples/} to {@value #ROOT}), zipped for deploying. */
final class Examples {
    static final String ROOT = "/dev/torpor/examples/";

    private Examples() {}

    /** The Lambda zip of example {@code name}, e.g. {@code counter-python}, from the jar or from the class directory. */
    static byte[] zip(String name) throws IOException {
        // Every example has a bootstrap; a directory itself is not a resource in every jar.
        URL bootstrap = Examples.class.getResource(ROOT + name + "/bootstrap");
        if (bootstrap == null) throw new IOException("example " + name + " is not on the class path under " + ROOT);
        URI uri;
        try {
            uri = bootstrap.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("example " + name + " has an odd location: " + bootstrap, e);
        }
        if (!uri.getScheme().equals("jar")) return CodeZip.zip(Path.of(uri).getParent());
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
            return CodeZip.zip(jar.provider().getPath(uri).getParent());
        }
    }
}
