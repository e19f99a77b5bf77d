#!/bin/sh
# install.sh: installs distvault (jar, launcher, systemd unit, settings) and, as root, creates
# the distvault user and /var/lib/distvault. Safe to run again: it replaces the jar, launcher
# and unit, and keeps an existing settings file.
set -eu

me=install.sh
here=$(cd -- "$(dirname -- "$0")" && pwd)

usage() {
  cat <<USAGE
usage: $me [--prefix DIR] [--destdir DIR] [--jar FILE] [--sysconfdir DIR] [--unitdir DIR] [--no-user]

  --prefix DIR      installation prefix (default /usr/local):
                      PREFIX/share/distvault/distvault.jar   the jar
                      PREFIX/share/distvault/distvault.jsa   its class archive (not with --destdir)
                      PREFIX/bin/distvault                   the launcher
                      UNITDIR/distvault.service              the systemd unit
                      SYSCONFDIR/distvault.env               settings (kept if present)
  --destdir DIR     stage everything under DIR for packaging (also: DESTDIR=DIR); the
                    installed files still name the final paths. Implies --no-user
  --jar FILE        the jar to install (default: the checkout's server/target/distvault.jar)
  --sysconfdir DIR  where distvault.env goes (default /etc/distvault for the prefixes /usr and
                    /usr/local, else PREFIX/etc/distvault)
  --unitdir DIR     where distvault.service goes (default PREFIX/lib/systemd/system)
  --no-user         do not create the distvault user and /var/lib/distvault
  -h, --help        this text

Exit status: 0 installed, 1 a step failed, 2 bad arguments.
USAGE
}

bad_usage() {
  echo "$me: $1" >&2
  usage | sed -n 1p >&2
  echo "($me --help says more)" >&2
  exit 2
}

fail() {
  echo "$me: $1" >&2
  exit 1
}

prefix=/usr/local
destdir=${DESTDIR:-}
jar=$here/../server/target/distvault.jar
sysconfdir=
unitdir=
make_user=yes
while [ "$#" -gt 0 ]; do
  option=$1
  case $option in
    --prefix|--destdir|--jar|--sysconfdir|--unitdir)
      if [ "$#" -lt 2 ] || [ -z "$2" ]; then
        bad_usage "$option needs a value"
      fi
      arg=$2
      shift 2
      ;;
    --prefix=*|--destdir=*|--jar=*|--sysconfdir=*|--unitdir=*)
      arg=${option#*=}
      option=${option%%=*}
      [ -n "$arg" ] || bad_usage "$option needs a value"
      shift
      ;;
    --no-user) make_user=no; shift; continue ;;
    -h|--help) usage; exit 0 ;;
    *) bad_usage "unknown argument: $option" ;;
  esac
  case $option in
    --prefix) prefix=$arg ;;
    --destdir) destdir=$arg ;;
    --jar) jar=$arg ;;
    --sysconfdir) sysconfdir=$arg ;;
    --unitdir) unitdir=$arg ;;
  esac
done

# These paths end up in the unit and the launcher: absolute, and nothing systemd or sed would
# read as syntax.
for dir in "$prefix" ${sysconfdir:+"$sysconfdir"} ${unitdir:+"$unitdir"}; do
  case $dir in
    *[!A-Za-z0-9/._+-]*) bad_usage "installation directories may only contain letters, digits and / . _ + -: $dir" ;;
    /*) ;;
    *) bad_usage "installation directories must be absolute paths: $dir" ;;
  esac
done
prefix=${prefix%/}
[ -n "$prefix" ] || bad_usage "--prefix / is not supported; use /usr"
if [ -z "$sysconfdir" ]; then
  case $prefix in
    /usr|/usr/local) sysconfdir=/etc/distvault ;;
    *) sysconfdir=$prefix/etc/distvault ;;
  esac
fi
[ -n "$unitdir" ] || unitdir=$prefix/lib/systemd/system
[ -f "$jar" ] || fail "no jar at $jar: build it first (mvn -B package -DskipTests) or pass --jar FILE"
for f in bin/distvault systemd/distvault.service systemd/distvault.env; do
  [ -f "$here/$f" ] || fail "missing $here/$f: run install.sh from a distvault checkout"
done
[ -z "$destdir" ] || make_user=no

share=$prefix/share/distvault
echo "installing into ${destdir}${prefix} (settings ${destdir}${sysconfdir}, unit ${destdir}${unitdir})"
mkdir -p "$destdir$share" "$destdir$prefix/bin" "$destdir$unitdir" "$destdir$sysconfdir" ||
  fail "cannot create the installation directories under ${destdir}${prefix}"

# Each file is written beside its target, then renamed over it: a running service never sees a
# half-written jar, and a failed run leaves the old installation whole.
put() { # put MODE TARGET: stdin -> TARGET
  tmp=$1.$$
  if ! { cat > "$tmp" && chmod "$2" "$tmp" && mv -f "$tmp" "$1"; }; then
    rm -f "$tmp"
    fail "cannot write $1"
  fi
  echo "  $1"
}

put "$destdir$share/distvault.jar" 0644 < "$jar"
sed "s|@DISTVAULT_JAR@|$share/distvault.jar|" "$here/bin/distvault" | put "$destdir$prefix/bin/distvault" 0755
sed -e "s|^ExecStart=/usr/local/bin/distvault |ExecStart=$prefix/bin/distvault |" \
    -e "s|^EnvironmentFile=/etc/distvault/|EnvironmentFile=$sysconfdir/|" \
    "$here/systemd/distvault.service" | put "$destdir$unitdir/distvault.service" 0644
if [ -f "$destdir$sysconfdir/distvault.env" ]; then
  echo "  $destdir$sysconfdir/distvault.env kept (the new defaults: $here/systemd/distvault.env)"
else
  put "$destdir$sysconfdir/distvault.env" 0644 < "$here/systemd/distvault.env"
fi

# The class archive of the client subcommands (distvault class-archive), beside the jar. The JVM
# checks it against the jar's final path and the Java that runs it, so a staged installation
# (--destdir) leaves it to the package's postinst. Without one the client only starts slower.
if [ -z "$destdir" ]; then
  # The installed jar, whatever DISTVAULT_JAR the caller's environment names.
  if archived=$(DISTVAULT_JAR=$share/distvault.jar "$prefix/bin/distvault" class-archive 2>&1); then
    echo "  $share/distvault.jsa"
  else
    echo "  no class archive (the client subcommands start slower; retry: $prefix/bin/distvault class-archive):" >&2
    echo "$archived" | sed 's/^/    /' >&2
  fi
fi

if [ "$make_user" = yes ]; then
  [ "$(id -u)" -eq 0 ] || fail "creating the distvault user needs root: run as root, or pass --no-user"
  if ! getent group distvault > /dev/null; then
    groupadd --system distvault || fail "groupadd distvault failed"
  fi
  if ! getent passwd distvault > /dev/null; then
    useradd --system --gid distvault --home-dir /var/lib/distvault --no-create-home \
      --shell /usr/sbin/nologin --comment "distvault distfile cache" distvault ||
      fail "useradd distvault failed"
  fi
  install -d -o distvault -g distvault -m 0750 /var/lib/distvault /var/lib/distvault/data \
    /var/lib/distvault/native || fail "cannot create /var/lib/distvault"
  echo "  user distvault, /var/lib/distvault"
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || fail "systemctl daemon-reload failed"
  fi
fi

cat <<DONE
done. Next:
  edit ${sysconfdir}/distvault.env (listen address, JVM options)
  systemctl enable --now distvault
  cat /var/lib/distvault/data/admin.token   # the admin token (readable by root and distvault)
DONE
