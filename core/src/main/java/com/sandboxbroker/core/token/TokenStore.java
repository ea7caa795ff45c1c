package com.sandboxbroker.core.token;

import java.util.List;
import java.util.Optional;

/**
 * Where run-time track tokens live. Records are keyed by the SHA-256 (hex) of the secret, so
 * authentication is one key read and the secret itself is never stored.
 */
public interface TokenStore {

  /** Writes a new record under {@code secretHash}; false if one exists there (never overwrites). */
  boolean create(String secretHash, TrackToken token);

  /** The record for a presented secret's hash (strongly consistent). */
  Optional<TrackToken> findByHash(String secretHash);

  /** Every record, revoked ones included, oldest first; read to the end. */
  List<TrackToken> list();

  /**
   * Revokes the token with this id at {@code at} by {@code by}; a token revoked earlier keeps its
   * first revocation (idempotent). Returns the record as it now stands; empty for an unknown id.
   */
  Optional<TrackToken> revoke(String tokenId, String by, long at);

  /** Records that the token authenticated at {@code at} (best effort; lags by design). */
  void recordUse(String secretHash, long at);
}
