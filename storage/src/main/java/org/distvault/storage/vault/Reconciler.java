package org.distvault.storage.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.blob.BlobStore;
import java.util.function.Predicate;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.name.SetName;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.record.BlobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the catalog into agreement with the blob files at start-up.
 *
 * <p>A blob file without a record is what a crash between the rename and the catalog write
 * leaves: it was verified before the rename, so it is re-hashed (every algorithm, so that any
 * later expectation can be checked against it) and recorded; should its bytes not match its name
 * after all, it is quarantined instead. A record without a file (the file was removed by hand, or
 * lost) is dropped, which unbinds the names that pointed at it.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final int PAGE = 1000;

  private final BlobStore blobs;
  private final Catalog catalog;
  private final Clock clock;
  private final Predicate<SetName> sealed;

  /** @param sealed which sets are sealed: a dropped record leaves their names bound */
  Reconciler(BlobStore blobs, Catalog catalog, Clock clock, Predicate<SetName> sealed) {
    this.blobs = blobs;
    this.catalog = catalog;
    this.clock = clock;
    this.sealed = sealed;
  }

  RecoveryReport reconcile() throws IOException {
    List<Digest> recorded = new ArrayList<>();
    List<Path> quarantined = new ArrayList<>();
    Files.walkFileTree(
        blobs.layout().root(),
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Optional<Digest> name = blobs.layout().digestAt(file);
            if (name.isEmpty() || !attrs.isRegularFile() || catalog.blob(name.get()).isPresent()) {
              // Stray files are the scrubber's business; recorded blobs are fine.
              return FileVisitResult.CONTINUE;
            }
            Digests digests = hashAll(file);
            if (digests.get(DigestAlgorithm.SHA512).orElseThrow().equals(name.get())) {
              catalog.putBlob(BlobRecord.stored(digests, attrs.size(), clock.instant()));
              recorded.add(name.get());
            } else {
              blobs.quarantine(name.get(), "found at start-up without a catalog record, and its "
                  + "content does not hash to its name").ifPresent(quarantined::add);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    List<Digest> dropped = new ArrayList<>();
    Optional<Digest> after = Optional.empty();
    for (List<BlobRecord> page = catalog.listBlobs(after, PAGE); !page.isEmpty();
        page = catalog.listBlobs(after, PAGE)) {
      for (BlobRecord b : page) {
        if (!Files.isRegularFile(blobs.layout().path(b.sha512()), LinkOption.NOFOLLOW_LINKS)) {
          // A seal's bindings stay: requests for them become misses.
          catalog.removeBlob(b.sha512(), sealed);
          dropped.add(b.sha512());
        }
      }
      after = Optional.of(page.get(page.size() - 1).sha512());
    }
    RecoveryReport result =
        new RecoveryReport(blobs.recovery().removed().size(), recorded, dropped, quarantined);
    if (!result.clean()) {
      log.warn(
          "start-up repaired the store: {} tmp leftovers removed, {} unrecorded blobs recorded,"
              + " {} records without a file dropped, {} files quarantined",
          result.tmpRemoved(), recorded.size(), dropped.size(), quarantined.size());
    }
    return result;
  }

  private static Digests hashAll(Path file) throws IOException {
    MultiDigester d = MultiDigester.of(EnumSet.allOf(DigestAlgorithm.class));
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
    }
    return d.finish();
  }
}
