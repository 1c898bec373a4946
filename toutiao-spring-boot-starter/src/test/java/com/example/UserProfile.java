package com.example;

/**
 * The value class the starter's README names.
 *
 * @param id the user
 * @param name the name
 */
public record UserProfile(long id, String name) {}
