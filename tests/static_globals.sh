#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every global symbol libtlsdefaults.a defines is tlsd_-prefixed: a program
# that links the archive statically gets the engine's globals in its own
# namespace, where an unprefixed name could collide with the program's.
# (The archive holds no OPENSSL_init/OPENSSL_finish: those are the config
# module's, in the shared objects that exports.sh checks.)
#
# usage: static_globals.sh ARCHIVE
set -uo pipefail
archive=$1
[ -f "$archive" ] || { echo "FAIL: no archive $archive"; exit 1; }
# nm prints "ADDRESS TYPE NAME" for a defined symbol; member headers and
# blank lines have fewer fields.
globals=$(nm -g --defined-only "$archive" | awk 'NF == 3 {print $3}' | sort -u)
[ -n "$globals" ] || { echo "FAIL: nm found no global in $archive"; exit 1; }
# An ASan build adds one __odr_asan.NAME per global, for NAME: the
# compiler's, checked through NAME itself.
bad=$(grep -v -e '^tlsd_' -e '^__odr_asan\.tlsd_' <<<"$globals")
echo "$(basename "$archive"): $(wc -l <<<"$globals") globals"
if [ -n "$bad" ]; then
    echo "FAIL: globals without the tlsd_ prefix:" $bad
    exit 1
fi
echo "static_globals: all checks passed"
