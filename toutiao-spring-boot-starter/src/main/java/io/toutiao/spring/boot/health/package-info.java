/**
 * Health checks of the blocks, reported through Spring Boot 3's or 4's Actuator by {@link
 * io.toutiao.spring.boot.ToutiaoHealthAutoConfiguration} and {@link
 * io.toutiao.spring.boot.ToutiaoBoot4HealthAutoConfiguration}.
 */
package io.toutiao.spring.boot.health;
