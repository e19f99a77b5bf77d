#!/bin/sh
# build-deb.sh: builds distvault_VERSION_ARCH.deb from the runnable jar with dpkg-deb: the files
# come from ops/install.sh --destdir (so the package and install.sh install the same things), the
# package metadata and maintainer scripts from ops/deb/debian/. Needs dpkg-deb, gzip and the JDK's
# jar tool ($JAVA_HOME/bin/jar, else jar on PATH); no root (dpkg-deb --root-owner-group makes every
# file root's).
set -eu
# Modes in the package are the stage's: never the builder's umask.
umask 022

me=build-deb.sh
here=$(cd -- "$(dirname -- "$0")" && pwd)
ops=$(dirname -- "$here")

usage() {
  cat <<USAGE
usage: $me --version VERSION [--jar FILE] [--out DIR] [--arch ARCH]

  --version VERSION  the Maven version, e.g. 0.1.0-SNAPSHOT (packaged as 0.1.0~snapshot, which
                     sorts before the release 0.1.0)
  --jar FILE         the runnable jar (default: the checkout's server/target/distvault.jar)
  --out DIR          where the .deb goes (default: ops/deb/target); an older distvault_*.deb
                     there is removed
  --arch ARCH        the Debian architecture (default amd64); the jar must carry RocksDB's
                     native library for it
  -h, --help         this text

Prints the path of the package. Exit status: 0 built, 1 a step failed, 2 bad arguments.
USAGE
}

bad_usage() {
  echo "$me: $1" >&2
  usage | sed -n 1p >&2
  exit 2
}

fail() {
  echo "$me: $1" >&2
  exit 1
}

version=
jar=$ops/../server/target/distvault.jar
out=$here/target
arch=amd64
while [ "$#" -gt 0 ]; do
  case $1 in
    --version|--jar|--out|--arch)
      [ "$#" -ge 2 ] && [ -n "$2" ] || bad_usage "$1 needs a value"
      case $1 in
        --version) version=$2 ;;
        --jar) jar=$2 ;;
        --out) out=$2 ;;
        --arch) arch=$2 ;;
      esac
      shift 2
      ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $1" ;;
  esac
done
[ -n "$version" ] || bad_usage "--version is required"
# Debian versions sort 0.1.0~snapshot before 0.1.0; a Maven qualifier becomes such a suffix.
deb_version=$(printf '%s' "$version" | tr '[:upper:]' '[:lower:]' | sed 's/-/~/')
case $deb_version in
  [0-9]*) ;;
  *) bad_usage "--version must start with a digit: $version" ;;
esac
case $deb_version in
  *[!0-9a-z.+~]*) bad_usage "--version may only contain letters, digits and . + - ~: $version" ;;
esac
# RocksDB's JNI library inside the jar decides which machines the package runs on.
case $arch in
  amd64) native=librocksdbjni-linux64.so ;;
  i386) native=librocksdbjni-linux32.so ;;
  arm64) native=librocksdbjni-linux-aarch64.so ;;
  ppc64el) native=librocksdbjni-linux-ppc64le.so ;;
  s390x) native=librocksdbjni-linux-s390x.so ;;
  riscv64) native=librocksdbjni-linux-riscv64.so ;;
  *) bad_usage "no RocksDB native library is known for the architecture $arch" ;;
esac
jar_tool=${JAVA_HOME:+$JAVA_HOME/bin/}jar
for tool in dpkg-deb gzip "$jar_tool"; do
  command -v "$tool" > /dev/null || fail "$tool is not there (Debian packages dpkg, gzip, openjdk-17-jdk-headless)"
done
[ -f "$jar" ] || fail "no jar at $jar: build it first (mvn -B package -pl server -am -DskipTests)"
"$jar_tool" tf "$jar" | grep -qx "$native" ||
  fail "$jar has no $native: it cannot run on $arch (see the rocksdbjni filter in server/pom.xml)"

mkdir -p "$out" || fail "cannot create $out"
out=$(cd -- "$out" && pwd)
stage=$out/stage
rm -rf "$stage"
rm -f "$out"/distvault_*.deb

# The installed files, named with their final paths. The jar stays in /usr/share/distvault, where
# Debian's Java policy puts a package's bundled jars (lintian warns of jar-not-in-usr-share), though
# the RocksDB library in it makes it architecture-specific. /lib/systemd/system: where Debian 12's
# debhelper puts units (lintian's systemd-service-file-outside-lib).
"$ops/install.sh" --destdir "$stage" --prefix /usr --unitdir /lib/systemd/system --jar "$jar" > /dev/null ||
  fail "ops/install.sh --destdir $stage failed"
# The package's settings scrub weekly (serve --scrub-every: the server keeps the last scrub's
# time across restarts and needs no URL or token); install.sh's leave it to the operator.
env_file=$stage/etc/distvault/distvault.env
grep -qx 'DISTVAULT_SERVE_OPTS=' "$env_file" || fail "$ops/systemd/distvault.env has no line DISTVAULT_SERVE_OPTS="
sed -i 's/^DISTVAULT_SERVE_OPTS=$/DISTVAULT_SERVE_OPTS="--scrub-every 7d"/' "$env_file"

install -D -m 0644 "$ops/logrotate/distvault" "$stage/etc/logrotate.d/distvault"
doc=$stage/usr/share/doc/distvault
install -D -m 0644 "$here/debian/copyright" "$doc/copyright"
sed "s/@VERSION@/$deb_version/" "$here/debian/changelog" | gzip -9n > "$doc/changelog.gz"
mkdir -p "$stage/usr/share/man/man1"
gzip -9n < "$here/debian/distvault.1" > "$stage/usr/share/man/man1/distvault.1.gz"

# Installed-Size as dpkg-gencontrol counts it: KiB per file, rounded up, and 1 per directory.
installed_size=$(find "$stage" -mindepth 1 -printf '%y %s\n' |
  awk '$1 == "f" { kib += int(($2 + 1023) / 1024); next } { kib += 1 } END { print kib }')

mkdir -p "$stage/DEBIAN"
sed -e "s/@VERSION@/$deb_version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  "$here/debian/control" > "$stage/DEBIAN/control"
install -m 0644 "$here/debian/conffiles" "$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$here/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

# Reproducible: every mtime is the jar's (or SOURCE_DATE_EPOCH, which dpkg-deb also reads).
: "${SOURCE_DATE_EPOCH:=$(stat -c %Y "$jar")}"
export SOURCE_DATE_EPOCH
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb=$out/distvault_${deb_version}_${arch}.deb
# The jar is compressed already: xz took 32 s to save 1% (29.2 MB against 29.5 MB).
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" > /dev/null || fail "dpkg-deb --build failed"
rm -rf "$stage"
echo "$deb"
