"""small_files.py DIR: the input of the benchmarks' tar -x row (bench/tracer.sh,
bench/real.sh): 5000 small files (100 to 2000 bytes of hex) in 50
directories under DIR. Seeded, so every run extracts the same sizes."""
import os
import random
import sys

random.seed(1)
root = sys.argv[1]
for d in range(50):
    os.makedirs(f"{root}/d{d:02}")
    for f in range(100):
        with open(f"{root}/d{d:02}/f{f:03}.txt", "wb") as fh:
            fh.write(os.urandom(random.randint(50, 1000)).hex().encode())
