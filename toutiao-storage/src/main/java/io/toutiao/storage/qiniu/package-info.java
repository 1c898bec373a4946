/**
 * Qiniu Kodo storage and CDN on the official SDK: {@link
 * io.toutiao.storage.qiniu.QiniuObjectStorage}, {@link io.toutiao.storage.qiniu.QiniuConfig},
 * {@link io.toutiao.storage.qiniu.CdnRefresher}.
 */
package io.toutiao.storage.qiniu;
