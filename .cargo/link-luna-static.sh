#!/bin/sh
# rustc wrapper for the workspace's own crates (build.rustc-workspace-wrapper
# in .cargo/config.toml). It passes every compilation through unchanged but
# one: the `luna` binary, built with mimalloc, for a glibc Linux target, is
# linked statically (`-C target-feature=+crt-static`, a static PIE).
#
# Why: a dynamically linked `luna` spends a quarter of an empty script's run
# in the dynamic loader (libgcc_s, libm and libc: mapping, relocating,
# binding, and libgcc_s's CPU probe). Static, it starts as fast as lua5.4
# (docs/PERFORMANCE.md, session 9). Cargo has no per-crate rustflags on
# stable, and the flag cannot go in `rustflags`: it would apply to the
# proc-macro crates, which rustc refuses to build with it.
#
# Left dynamic: builds without mimalloc (`--no-default-features`, the build
# for valgrind's memcheck, which must intercept malloc in the shared libc)
# and every other target.
rustc="$1"
shift
name=
bin=
mimalloc=
target=
prev=
for a in "$@"; do
    case "$prev" in
        --crate-name) name="$a" ;;
        --crate-type) [ "$a" = bin ] && bin=1 ;;
        --cfg) [ "$a" = 'feature="mimalloc"' ] && mimalloc=1 ;;
        --target) target="$a" ;;
    esac
    prev="$a"
done
if [ "$name" = luna ] && [ -n "$bin" ] && [ -n "$mimalloc" ]; then
    [ -n "$target" ] || target=$("$rustc" -vV | sed -n 's/^host: //p')
    case "$target" in
        *-linux-gnu) exec "$rustc" "$@" -C target-feature=+crt-static ;;
    esac
fi
exec "$rustc" "$@"
