package io.toutiao.examples.spring;

/**
 * A user's profile as the example caches it.
 *
 * @param id the user id
 * @param name the display name
 * @param photo the photo URL, or null
 */
public record UserProfile(long id, String name, String photo) {}
