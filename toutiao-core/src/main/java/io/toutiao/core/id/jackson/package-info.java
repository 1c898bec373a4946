/** Jackson support for ids: write longs as strings so JavaScript clients keep every digit. */
package io.toutiao.core.id.jackson;
