package io.carousel.http;

import io.carousel.user.UserProfile;

/** Journal ids of user profiles as the persistence plugins store them. */
final class UserProfileIds {
  private UserProfileIds() {}

  /** Returns {@code UserProfile|<userId>}, the persistence id of the user's journal rows. */
  static String persistenceId(String userId) {
    return UserProfile.TYPE_KEY.name() + "|" + userId;
  }
}
