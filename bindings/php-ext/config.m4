dnl config.m4 of the tuma extension: phpize && ./configure --with-tuma[=PREFIX] && make
dnl
dnl libtuma is linked statically (PREFIX/lib/libtuma.a) into tuma.so, so the extension has
dnl no runtime dependency: see docs/php-extension.md. PREFIX is where `make install` put
dnl libtuma (include/tuma.h, lib/libtuma.a). Without a PREFIX, pkg-config's `tuma` is
dnl asked, then /usr/local and /usr are searched.

PHP_ARG_WITH([tuma],
  [for tuma support],
  [AS_HELP_STRING([[--with-tuma[=PREFIX]]],
    [Include tuma support (M-Pesa, SMS and airtime for Kenya). PREFIX is the installation
     prefix of libtuma (include/tuma.h and lib/libtuma.a)])])

if test "$PHP_TUMA" != "no"; then
  TUMA_DIR=
  AC_MSG_CHECKING([for libtuma (tuma.h and libtuma.a)])
  if test "$PHP_TUMA" != "yes"; then
    TUMA_CANDIDATES="$PHP_TUMA"
  else
    TUMA_CANDIDATES=
    if test -z "$PKG_CONFIG"; then
      AC_PATH_PROG(PKG_CONFIG, pkg-config, no)
    fi
    if test -x "$PKG_CONFIG" && $PKG_CONFIG --exists tuma; then
      TUMA_CANDIDATES=`$PKG_CONFIG --variable=prefix tuma`
    fi
    TUMA_CANDIDATES="$TUMA_CANDIDATES /usr/local /usr"
  fi
  for dir in $TUMA_CANDIDATES; do
    if test -r "$dir/include/tuma.h" && test -r "$dir/lib/libtuma.a"; then
      TUMA_DIR=$dir
      break
    fi
  done
  if test -z "$TUMA_DIR"; then
    AC_MSG_RESULT([not found])
    AC_MSG_ERROR([libtuma not found in $TUMA_CANDIDATES: install it with `make install PREFIX=...` from the tuma sources and pass --with-tuma=PREFIX])
  fi
  AC_MSG_RESULT([$TUMA_DIR])

  AC_MSG_CHECKING([libtuma version])
  TUMA_HEADER_VERSION=`sed -n 's/^#define TUMA_VERSION "\(.*\)"/\1/p' "$TUMA_DIR/include/tuma.h"`
  AC_MSG_RESULT([$TUMA_HEADER_VERSION])
  case "$TUMA_HEADER_VERSION" in
    0.1.*) ;;
    *) AC_MSG_ERROR([this extension is written for libtuma 0.1.x, found $TUMA_HEADER_VERSION]) ;;
  esac

  PHP_ADD_INCLUDE([$TUMA_DIR/include])

  dnl The archive is named by its path so that a libtuma.so next to it is not picked
  dnl instead. --exclude-libs keeps libtuma's (and Rust's) symbols local to tuma.so, so a
  dnl libtuma.so loaded by PHP's FFI in the same process cannot clash with them. The
  dnl system libraries are those of tuma.pc's Libs.private.
  TUMA_SHARED_LIBADD="-Wl,--exclude-libs,ALL $TUMA_DIR/lib/libtuma.a -lgcc_s -lutil -lrt -lpthread -lm -ldl"
  PHP_SUBST(TUMA_SHARED_LIBADD)

  AC_DEFINE(HAVE_TUMA, 1, [Whether the tuma extension is enabled])
  PHP_NEW_EXTENSION(tuma, tuma.c, $ext_shared,, -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1)
  PHP_ADD_EXTENSION_DEP(tuma, json)
  PHP_ADD_EXTENSION_DEP(tuma, spl)
  PHP_ADD_EXTENSION_DEP(tuma, hash)
fi
