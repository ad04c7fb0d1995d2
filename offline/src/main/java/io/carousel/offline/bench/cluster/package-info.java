/**
 * Loopback-cluster drivers behind {@code carousel bench scale-out} and {@code carousel bench
 * cluster}: {@code serve} JVMs on Cassandra ({@link
 * io.carousel.offline.bench.cluster.ClusterNode}), a small trained model that needs no dataset
 * ({@link io.carousel.offline.bench.cluster.SyntheticModel}), bounded event load and WebSocket
 * watchers. The cli ITs reuse them.
 */
package io.carousel.offline.bench.cluster;
