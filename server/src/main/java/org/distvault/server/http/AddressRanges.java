package org.distvault.server.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Client addresses allowed to use a listener ({@code serve --allow-from}): a list of IPv4 and IPv6
 * networks in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}) or single addresses. An IPv4
 * client seen through an IPv6 socket ({@code ::ffff:10.1.2.3}) is matched as the IPv4 address.
 * Immutable and thread-safe.
 */
public final class AddressRanges {
  /** Every address: the default, which allows everyone as before the flag existed. */
  public static final AddressRanges ANY = new AddressRanges(List.of(), true);

  // Literal addresses only: a host name would make every request depend on a DNS lookup.
  // Four dotted numbers: InetAddress would also take "10.1" as 10.0.0.1.
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final List<Range> ranges;
  private final boolean any;

  private AddressRanges(List<Range> ranges, boolean any) {
    this.ranges = ranges;
    this.any = any;
  }

  /**
   * Parses {@code CIDR[,CIDR...]}; each entry is an address with an optional {@code /bits}.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static AddressRanges parse(String list) {
    Objects.requireNonNull(list, "list");
    List<Range> out = new ArrayList<>();
    for (String raw : list.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("empty entry in \"" + list + "\" (entries are separated by single commas)");
      }
      out.add(Range.parse(entry));
    }
    return new AddressRanges(List.copyOf(out), false);
  }

  /** Whether {@code address} is in one of the ranges. */
  public boolean allows(InetAddress address) {
    if (any) {
      return true;
    }
    byte[] bytes = plain(address).getAddress();
    for (Range r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this allows every address (no {@code --allow-from}). */
  public boolean any() {
    return any;
  }

  @Override
  public String toString() {
    return any ? "any" : String.join(",", ranges.stream().map(Range::toString).toList());
  }

  /** The IPv4 address inside an IPv4-mapped IPv6 one; any other unchanged. */
  private static InetAddress plain(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new IllegalStateException("4 bytes are always an address", e);
        }
      }
    }
    return a;
  }

  /** One network: its address bytes and how many leading bits must match. */
  private record Range(byte[] network, int bits, String text) {
    static Range parse(String entry) {
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
        throw new IllegalArgumentException("\"" + entry + "\" is not an IP address or CIDR network"
            + " (e.g. 10.0.0.0/8 or fd00::/8; host names are not taken)");
      }
      if (IPV4.matcher(host).matches()) {
        for (String octet : host.split("\\.")) {
          if (Integer.parseInt(octet) > 255) {
            // Checked here: InetAddress would take it for a host name and ask DNS.
            throw new IllegalArgumentException("\"" + entry + "\" is not an IPv4 address: " + octet + " is over 255");
          }
        }
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("\"" + entry + "\" is not an IP address: " + e.getMessage(), e);
      }
      byte[] network = plain(address).getAddress();
      int max = network.length * 8;
      int bits = max;
      if (slash >= 0) {
        String suffix = entry.substring(slash + 1);
        if (!suffix.matches("[0-9]{1,3}") || Integer.parseInt(suffix) > max) {
          throw new IllegalArgumentException("\"" + entry + "\": the prefix length must be a number from 0 to " + max);
        }
        bits = Integer.parseInt(suffix);
      }
      for (int i = bits; i < max; i++) {
        if ((network[i / 8] & (0x80 >>> (i % 8))) != 0) {
          throw new IllegalArgumentException("\"" + entry + "\" has host bits set after /" + bits
              + " (did you mean " + masked(network, bits) + "/" + bits + "?)");
        }
      }
      return new Range(network, bits, entry);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    private static String masked(byte[] network, int bits) {
      byte[] m = network.clone();
      for (int i = bits; i < m.length * 8; i++) {
        m[i / 8] &= (byte) ~(0x80 >>> (i % 8));
      }
      try {
        return InetAddress.getByAddress(m).getHostAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
