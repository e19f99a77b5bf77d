package org.distvault.server.admin.ingest;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.prefetch.deliver.BlobSink;
import org.distvault.prefetch.deliver.BlobUpload;
import org.distvault.prefetch.deliver.ContentRejectedException;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.OutcomeJson;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.blob.BlobTooLargeException;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.SizeMismatchException;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.vault.Vault;

/**
 * The destination of a prefetch that the server runs itself ({@link ServerPrefetchHandler}): the
 * prefetch tool's {@link BlobSink}, in the server's process, doing what the admin routes do for a
 * remote tool with no HTTP in between. {@code have} is {@link Presence}'s check; a download
 * streams straight into the vault's verifying writer (hashed once as it is written, its Size and
 * every expected digest checked, fsynced and recorded before the delivery counts); outcomes go
 * through {@link OutcomesHandler}'s own checks and writes.
 *
 * <p>The {@link UploadGate} is asked before every delivery: once the server went offline or the set
 * was sealed, deliveries fail with {@link SinkUnavailableException}, which stops the run. Thread-safe
 * (the run's download and delivery threads use it at once).
 */
final class VaultSink implements BlobSink {
  private final Vault vault;
  private final UploadGate gate;
  private final Presence presence;
  private final OutcomesHandler outcomes;
  private volatile String cancelled;

  VaultSink(Vault vault, Presence presence, OutcomesHandler outcomes, UploadGate gate) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.presence = Objects.requireNonNull(presence, "presence");
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
    this.gate = Objects.requireNonNull(gate, "gate");
  }

  @Override
  public BitSet have(List<ExpectedDistfile> entries) {
    List<Presence.Query> queries = new ArrayList<>(entries.size());
    for (ExpectedDistfile e : entries) {
      queries.add(Presence.Query.of(e));
    }
    boolean[] held = presence.check(queries);
    BitSet present = new BitSet(entries.size());
    for (int i = 0; i < held.length; i++) {
      present.set(i, held[i]);
    }
    return present;
  }

  @Override
  public void put(VerifiedBlob blob, List<ExpectedDistfile> entries) throws IOException {
    refuseIfClosed();
    try (InputStream in = Files.newInputStream(blob.file());
        Vault.RecordingWriter w = vault.newWriter(Expectation.of(blob.size(), blob.digests()))) {
      in.transferTo(w);
      w.commit();
    } catch (DigestMismatchException | SizeMismatchException | BlobTooLargeException e) {
      // The run's spool verified these very bytes: a mismatch now means they changed on disk.
      throw new IOException("the spooled blob changed before it was stored: " + e.getMessage(), e);
    } catch (FrozenException e) {
      throw new SinkUnavailableException(e.reason(), e);
    }
  }

  @Override
  public Optional<BlobUpload> stream(long size, Digests expected, List<ExpectedDistfile> entries) {
    return Optional.of(new Upload(Expectation.of(size, expected)));
  }

  @Override
  public void recordOutcomes(List<Outcome> finished) throws IOException {
    byte[] lines = OutcomeJson.serverLines(finished);
    if (lines.length == 0) {
      return;
    }
    // Not refused after a cancel: these are the outcomes of work done, recorded so that a later
    // violation says why and the verified blobs are bound to their names.
    refuseIfGateCloses();
    try {
      outcomes.recordLines(new BufferedReader(new InputStreamReader(
          new ByteArrayInputStream(lines), StandardCharsets.UTF_8)));
    } catch (ApiException e) {
      if (e.status() == 409) {
        throw new SinkUnavailableException(e.getMessage(), e);
      }
      throw new IOException(e.getMessage(), e);
    } catch (FrozenException e) {
      throw new SinkUnavailableException(e.reason(), e);
    }
  }

  /**
   * Refuses every later delivery, which stops the run at its next one (the way a server going
   * offline stops a tool's run): for a run whose client went away, or a server shutting down.
   * Outcomes of the work done are still recorded.
   */
  void cancel(String why) {
    cancelled = Objects.requireNonNull(why, "why");
  }

  /** Fails when the run was cancelled or the gate refuses writes now (offline, or the set sealed). */
  private void refuseIfClosed() throws SinkUnavailableException {
    String why = cancelled;
    if (why != null) {
      throw new SinkUnavailableException(why);
    }
    refuseIfGateCloses();
  }

  private void refuseIfGateCloses() throws SinkUnavailableException {
    Optional<String> refusal = gate.refusal();
    if (refusal.isPresent()) {
      throw new SinkUnavailableException(refusal.get());
    }
  }

  /**
   * One download streamed into the vault's writer, opened at the first byte. More bytes than
   * expected are the download's fault, not the store's: they are dropped and the delivery is
   * rejected at {@link #finish()} as a size mismatch, as the HTTP route answers 422.
   */
  private final class Upload extends BlobUpload {
    private final Expectation expected;
    private Vault.RecordingWriter writer;
    private IOException rejected;

    Upload(Expectation expected) {
      this.expected = expected;
    }

    @Override
    protected void send(byte[] b, int off, int len) throws IOException {
      if (rejected != null) {
        return;
      }
      try {
        open().write(b, off, len);
      } catch (SizeMismatchException | BlobTooLargeException e) {
        rejected = e;
      }
    }

    private Vault.RecordingWriter open() throws IOException {
      if (writer == null) {
        refuseIfClosed();
        writer = vault.newWriter(expected);
      }
      return writer;
    }

    @Override
    public void finish() throws IOException {
      try {
        if (rejected != null) {
          throw rejected;
        }
        refuseIfClosed();
        open().commit();
      } catch (DigestMismatchException e) {
        throw new ContentRejectedException(e.getMessage(), false, e);
      } catch (SizeMismatchException | BlobTooLargeException e) {
        throw new ContentRejectedException(e.getMessage(), true, e);
      } catch (FrozenException e) {
        throw new SinkUnavailableException(e.reason(), e);
      } finally {
        close();
      }
    }

    @Override
    public void close() {
      if (writer == null) {
        return;
      }
      try {
        writer.close(); // deletes the temp file unless committed
      } catch (IOException e) {
        // Nothing was kept: an uncommitted temp file is swept at the next start.
      }
      writer = null;
    }
  }
}
