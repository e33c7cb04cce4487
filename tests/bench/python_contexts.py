# SPDX-License-Identifier: Apache-2.0
"""Companion of tlsd-bench: what ssl.create_default_context() costs here.

usage: python3 python_contexts.py N
Prints seconds_per_context (median of 5 rounds of N contexts made and
dropped) and bytes_per_context (resident growth over N contexts held).
"""
import gc
import ssl
import statistics
import sys
import time


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def main():
    n = int(sys.argv[1])
    ssl.create_default_context()  # warm up: imports, OpenSSL init
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            ssl.create_default_context()
        rounds.append((time.perf_counter() - start) / n)
    gc.collect()
    before = resident_bytes()
    held = [ssl.create_default_context() for _ in range(n)]
    after = resident_bytes()
    print("python=%d.%d.%d" % sys.version_info[:3])
    print("seconds_per_context=%.9f" % statistics.median(rounds))
    print("bytes_per_context=%.1f" % ((after - before) / len(held)))


if __name__ == "__main__":
    main()
