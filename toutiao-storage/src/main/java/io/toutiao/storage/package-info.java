/** Image validation by content and object storage (local filesystem and Qiniu). */
package io.toutiao.storage;
