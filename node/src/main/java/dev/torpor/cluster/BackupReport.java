package dev.torpor.cluster;

/** One backup as the owner saw it: the image's size and how much of it had to travel. */
public record BackupReport(String instanceId, String peer, long imageBytes, long shippedBytes, long millis) {
    public double shippedPercent() {
        return imageBytes == 0 ? 0 : 100.0 * shippedBytes / imageBytes;
    }
}
