package dev.torpor.runtime;

/** Versions that decide whether a checkpoint image made here can be restored elsewhere. */
public record RuntimeVersions(String runtime, String criu, String kernel, String architecture) {}
