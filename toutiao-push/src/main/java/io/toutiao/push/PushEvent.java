package io.toutiao.push;

/**
 * An event kept in a user's inbox.
 *
 * @param id the inbox id ({@code ms-seq}, increasing per user): clients de-duplicate by it
 * @param event the Socket.IO event name
 * @param data the event's data as JSON
 */
public record PushEvent(String id, String event, String data) {}
