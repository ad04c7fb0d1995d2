/**
 * The node's own journal: its H2 upkeep ({@link io.carousel.http.journal.H2Maintenance}) and the
 * reader of the user profiles' events through Akka Persistence Query ({@link
 * io.carousel.http.journal.JournalReader}), which the server uses to refuse a journal held by
 * another process and {@code io.carousel.offline.ope} uses to pair SlateServed and RewardObserved
 * events into the served log for IPS/SNIPS/DR.
 */
package io.carousel.http.journal;
