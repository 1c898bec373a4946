/** Runnable examples of every toutiao-kit module and the mini Toutiao backend. */
package io.toutiao.examples;
