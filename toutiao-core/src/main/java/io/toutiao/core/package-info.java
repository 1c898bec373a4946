/** Shared foundations of toutiao-kit: the base exception and small value types. */
package io.toutiao.core;
