/**
 * Image validation by content ({@link io.toutiao.storage.ImageValidator}) and object storage
 * ({@link io.toutiao.storage.ObjectStorage}) with an upload facade ({@link
 * io.toutiao.storage.ImageUploadService}).
 */
package io.toutiao.storage;
