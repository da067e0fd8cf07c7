package dev.torpor.cluster;

import java.util.List;

/** An owner asking its backup peer which of an image's chunks it lacks, and whether it has the function's code. */
public record BackupOffer(String function, String codeSha256, List<String> chunks) {}
