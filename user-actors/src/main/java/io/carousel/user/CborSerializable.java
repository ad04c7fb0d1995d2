package io.carousel.user;

/**
 * Marker for messages, events and snapshots serialized with Jackson CBOR (bound in {@code
 * serialization.conf}). Anything that crosses a node or reaches the journal implements it.
 */
public interface CborSerializable {}
