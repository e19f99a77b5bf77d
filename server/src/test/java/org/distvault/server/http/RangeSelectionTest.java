package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.distvault.server.http.RangeSelection.Partial;
import org.distvault.server.http.RangeSelection.Unsatisfiable;
import org.distvault.server.http.RangeSelection.Whole;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RangeSelectionTest {
  private static RangeSelection parse(String outcome) {
    if (outcome.equals("whole")) {
      return new Whole();
    }
    if (outcome.equals("416")) {
      return new Unsatisfiable();
    }
    String[] bounds = outcome.split("-");
    return new Partial(Long.parseLong(bounds[0]), Long.parseLong(bounds[1]));
  }

  @ParameterizedTest(name = "{0} of {1} bytes -> {2}")
  @CsvSource(delimiter = '|', value = {
      "bytes=0-0           | 100 | 0-0",
      "bytes=99-99         | 100 | 99-99",
      "bytes=10-           | 100 | 10-99",
      "bytes=10-1000       | 100 | 10-99",
      "bytes=-1            | 100 | 99-99",
      "bytes=-100          | 100 | 0-99",
      "bytes=-5000         | 100 | 0-99",
      "BYTES = 5-6         | 100 | 5-6",
      "bytes= 5-6 ,        | 100 | 5-6",
      "bytes=0-99999999999999999999999 | 100 | 0-99",
      "bytes=100-          | 100 | 416",
      "bytes=100-200       | 100 | 416",
      "bytes=99999999999999999999999- | 100 | 416",
      "bytes=-0            | 100 | 416",
      "bytes=0-            | 0   | 416",
      "bytes=-1            | 0   | 416",
      "bytes=0-0,10-20     | 100 | whole",
      "bytes=10-5          | 100 | whole",
      "bytes=5             | 100 | whole",
      "bytes=-             | 100 | whole",
      "bytes=a-b           | 100 | whole",
      "bytes=+1-2          | 100 | whole",
      "bytes=--1           | 100 | whole",
      "bytes=              | 100 | whole",
      "items=0-1           | 100 | whole",
      "bytes 0-1           | 100 | whole",
  })
  void interpretsTheHeader(String header, long size, String outcome) {
    assertEquals(parse(outcome), RangeSelection.of(header, size));
  }

  @ParameterizedTest
  @CsvSource({"0", "100"})
  void absentHeaderSelectsWhole(long size) {
    assertEquals(new Whole(), RangeSelection.of(null, size));
  }
}
