/** JWT access and refresh tokens with key rotation and revocation. */
package io.toutiao.auth;
