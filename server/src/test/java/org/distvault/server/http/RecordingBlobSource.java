package org.distvault.server.http;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;

/** A BlobSource decorator that records every lookup it is asked for, in order. Thread-safe. */
final class RecordingBlobSource implements BlobSource {
  private final BlobSource delegate;
  private final List<String> calls = new CopyOnWriteArrayList<>();

  RecordingBlobSource(BlobSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public Lookup find(Optional<PkgPath> pkgPath, DistfileName name) throws IOException {
    calls.add(pkgPath.map(p -> "pkg " + p + " " + name).orElse("name " + name));
    return delegate.find(pkgPath, name);
  }

  @Override
  public Optional<ServableBlob> findByHash(Digest digest) throws IOException {
    calls.add("hash " + digest.algorithm().urlName() + " " + digest.hex());
    return delegate.findByHash(digest);
  }

  /** The lookups so far, e.g. {@code name a%2Bb.tgz}, {@code pkg devel/foo x.tgz}, {@code hash sha256 ab..}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  void clear() {
    calls.clear();
  }
}
