package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ByteSizeConverterTest {
  private final ByteSizeConverter converter = new ByteSizeConverter();

  @ParameterizedTest
  @CsvSource({"0,0", "4096,4096", "100b,100", "1K,1024", "512M,536870912", "512m,536870912", "1G,1073741824",
      "1GiB,1073741824", "2gb,2147483648", "1T,1099511627776", "' 3M ',3145728"})
  void parses(String text, long bytes) {
    assertEquals(bytes, converter.convert(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1.5G", "1P", "G", "1 GB free", "99999999999999999999", "9000000000000T"})
  void refuses(String text) {
    assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert(text));
  }
}
