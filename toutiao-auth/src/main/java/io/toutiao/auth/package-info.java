/**
 * JWT access and refresh tokens, secure by default: {@link io.toutiao.auth.TokenService} built from
 * a {@link io.toutiao.auth.TokenConfig} with a {@link io.toutiao.auth.KeyRing}; revocation through
 * {@link io.toutiao.auth.RevocationStore}; the {@link io.toutiao.auth.AuthException} family for
 * mapping failures to 401/403 in one place.
 */
package io.toutiao.auth;
