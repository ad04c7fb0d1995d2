/**
 * Reading the served log back out of the journal for offline evaluation: the user profiles'
 * SlateServed and RewardObserved events are read through Akka Persistence Query ({@link
 * io.carousel.http.journal.JournalReader}), paired into one row per shown slot ({@link
 * io.carousel.http.journal.ServedLog}) and evaluated with IPS/SNIPS/DR ({@link
 * io.carousel.http.journal.JournalOpe}).
 */
package io.carousel.http.journal;
