/**
 * Vela's domain: immutable values and rules of serving a language model, with no framework.
 * Nothing here imports anything outside {@code java.*}.
 */
package dev.vela.domain;
