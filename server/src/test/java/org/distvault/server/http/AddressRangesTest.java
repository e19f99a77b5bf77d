package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRangesTest {
  private static boolean allows(String list, String address) throws Exception {
    return AddressRanges.parse(list).allows(InetAddress.getByName(address));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "10.0.0.0/8;10.255.1.2;true",
      "10.0.0.0/8;11.0.0.1;false",
      "192.168.4.0/22;192.168.7.255;true",
      "192.168.4.0/22;192.168.8.0;false",
      "192.168.1.5;192.168.1.5;true",
      "192.168.1.5;192.168.1.6;false",
      "0.0.0.0/0;203.0.113.9;true",
      "fd00::/8;fd12:3456::1;true",
      "fd00::/8;fe80::1;false",
      "::1;::1;true",
      "10.0.0.0/8;::ffff:10.1.2.3;true",
      "10.0.0.0/8;::1;false",
      "fd00::/8;10.1.2.3;false",
      "10.0.0.0/8, 127.0.0.1 ,fd00::/8;127.0.0.1;true",
      "10.1.2.128/25;10.1.2.127;false",
      "10.1.2.128/25;10.1.2.200;true"})
  void matchesByPrefix(String list, String address, boolean allowed) throws Exception {
    assertEquals(allowed, allows(list, address), list + " " + address);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cache.example|\"cache.example\" is not an IP address or CIDR network (e.g. 10.0.0.0/8 or fd00::/8; host names are not taken)",
      "10.0.0.0/33|\"10.0.0.0/33\": the prefix length must be a number from 0 to 32",
      "fd00::/129|\"fd00::/129\": the prefix length must be a number from 0 to 128",
      "10.0.0.0/x|\"10.0.0.0/x\": the prefix length must be a number from 0 to 32",
      "10.1.2.3/8|\"10.1.2.3/8\" has host bits set after /8 (did you mean 10.0.0.0/8?)",
      "10.0.0.0/8,,fd00::/8|empty entry in \"10.0.0.0/8,,fd00::/8\" (entries are separated by single commas)",
      "10.1/8|\"10.1/8\" is not an IP address or CIDR network (e.g. 10.0.0.0/8 or fd00::/8; host names are not taken)",
      "300.1.1.1|\"300.1.1.1\" is not an IPv4 address: 300 is over 255",
      "1234|\"1234\" is not an IP address or CIDR network (e.g. 10.0.0.0/8 or fd00::/8; host names are not taken)"})
  void refusesMalformedEntriesNamingThem(String list, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse(list));
    assertEquals(message, e.getMessage());
  }

  @Test
  void anyAllowsEveryAddressAndSaysSo() throws Exception {
    assertTrue(AddressRanges.ANY.any());
    assertTrue(AddressRanges.ANY.allows(InetAddress.getByName("203.0.113.1")));
    assertFalse(AddressRanges.parse("10.0.0.0/8").any());
    assertEquals("10.0.0.0/8,::1", AddressRanges.parse("10.0.0.0/8, ::1").toString());
  }
}
