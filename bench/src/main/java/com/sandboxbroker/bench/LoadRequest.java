package com.sandboxbroker.bench;

/** One request of the load generator and, once answered, its outcome. */
final class LoadRequest {
  enum Kind {
    ALLOCATE,
    REPLAY,
    RELEASE
  }

  final Kind kind;
  final String identity;
  final String sandboxIdIn; // RELEASE: which sandbox; REPLAY: the one expected
  final long ready;
  int status;
  String sandboxId;
  String code;
  long finished;

  LoadRequest(Kind kind, String identity, String sandboxIdIn, long ready) {
    this.kind = kind;
    this.identity = identity;
    this.sandboxIdIn = sandboxIdIn;
    this.ready = ready;
  }
}
