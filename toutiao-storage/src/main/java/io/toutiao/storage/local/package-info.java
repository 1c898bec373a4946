/** The local-filesystem {@link io.toutiao.storage.ObjectStorage}, the embedded default. */
package io.toutiao.storage.local;
