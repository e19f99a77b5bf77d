package org.distvault.prefetch.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.distvault.prefetch.deliver.BlobSink;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the outcome of every entry (by its index in the input) and sends finished ones to the
 * sink in batches. Thread-safe.
 */
final class OutcomeRecorder {
  private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

  private final Outcome[] outcomes;
  private final BlobSink sink;
  private final int batchSize;
  private final Progress progress;
  private final List<Outcome> pending = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();

  OutcomeRecorder(int entries, BlobSink sink, int batchSize, Progress progress) {
    this.outcomes = new Outcome[entries];
    this.sink = sink;
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /** Records an entry the destination already held (nothing to send). */
  synchronized void present(int index, Outcome o) {
    outcomes[index] = o;
  }

  synchronized boolean isSet(int index) {
    return outcomes[index] != null;
  }

  /** Records finished entries and sends a batch when enough are pending. */
  void finished(List<Integer> indexes, List<Outcome> finished) throws SinkUnavailableException {
    List<Outcome> batch = null;
    synchronized (this) {
      for (int i = 0; i < indexes.size(); i++) {
        outcomes[indexes.get(i)] = finished.get(i);
      }
      pending.addAll(finished);
      if (pending.size() >= batchSize) {
        batch = new ArrayList<>(pending);
        pending.clear();
      }
    }
    finished.forEach(progress::finished);
    if (batch != null) {
      send(batch);
    }
  }

  /** Sends whatever is pending. */
  void flush() throws SinkUnavailableException {
    List<Outcome> batch;
    synchronized (this) {
      batch = new ArrayList<>(pending);
      pending.clear();
    }
    if (!batch.isEmpty()) {
      send(batch);
    }
  }

  private void send(List<Outcome> batch) throws SinkUnavailableException {
    try {
      sink.recordOutcomes(batch);
    } catch (SinkUnavailableException e) {
      addError("could not record " + batch.size() + " outcome(s) at the destination: " + e.getMessage());
      throw e;
    } catch (IOException e) {
      log.warn("could not record {} outcome(s) at the destination: {}", batch.size(), e.getMessage());
      addError("could not record " + batch.size() + " outcome(s) at the destination: " + e.getMessage());
    }
  }

  synchronized void addError(String error) {
    errors.add(error);
  }

  synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  /** Every outcome; all entries must have one. */
  synchronized List<Outcome> all() {
    if (Arrays.stream(outcomes).anyMatch(o -> o == null)) {
      throw new IllegalStateException("an entry has no outcome");
    }
    return List.of(outcomes);
  }
}
