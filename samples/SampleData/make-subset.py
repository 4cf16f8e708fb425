#!/usr/bin/python3
"""Regenerate the embedded Fashion-MNIST subset used by MLNetAutoencoders.SampleData.

The full dataset comes from the Debian package ``dataset-fashion-mnist``
(``apt-get install -y dataset-fashion-mnist``), which installs the original
gzip IDX files into /usr/share/datasets/fashion-mnist/.

Selection (deterministic, no randomness):
  * train: the first 500 images of each of the 10 classes (5,000 images),
  * test:  the first 100 images of each of the 10 classes (1,000 images),
where "first" means in the order of the original file. The selected rows are
written interleaved by class (class 0, 1, ..., 9, 0, 1, ...), keeping the
original order within each class, so row i has label i % 10 and every prefix
whose length is a multiple of 10 is exactly class balanced.

Output: gzip IDX files in exactly the original format (same magic numbers and
dimensions), with a fixed gzip header timestamp so reruns are byte identical.

Usage: python3 make-subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist,
  OUTPUT_DIR defaults to the Data/ folder next to this script.
Only the Python standard library is used.
"""

import gzip
import os
import struct
import sys

NUM_CLASSES = 10
PER_CLASS = {"train": 500, "t10k": 100}
ROWS = COLS = 28


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        raise SystemExit(f"{path}: bad magic 0x{magic:08x}, expected 0x{expected_magic:08x}")
    ndims = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    body = data[4 + 4 * ndims:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        raise SystemExit(f"{path}: {len(body)} data bytes, expected {size}")
    return dims, body


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        # mtime=0 and no file name in the header: deterministic bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + body)


def make(split, source_dir, output_dir):
    per_class = PER_CLASS[split]
    img_dims, images = read_idx(os.path.join(source_dir, f"{split}-images-idx3-ubyte.gz"), 0x00000803)
    lbl_dims, labels = read_idx(os.path.join(source_dir, f"{split}-labels-idx1-ubyte.gz"), 0x00000801)
    count = img_dims[0]
    if lbl_dims[0] != count or img_dims[1:] != (ROWS, COLS):
        raise SystemExit(f"{split}: unexpected dimensions {img_dims} / {lbl_dims}")

    by_class = [[] for _ in range(NUM_CLASSES)]
    for i in range(count):
        c = labels[i]
        if len(by_class[c]) < per_class:
            by_class[c].append(i)
    for c, rows in enumerate(by_class):
        if len(rows) != per_class:
            raise SystemExit(f"{split}: class {c} has only {len(rows)} rows")

    order = [by_class[c][k] for k in range(per_class) for c in range(NUM_CLASSES)]
    pixels = ROWS * COLS
    sub_images = b"".join(images[i * pixels:(i + 1) * pixels] for i in order)
    sub_labels = bytes(labels[i] for i in order)

    n = len(order)
    write_idx(os.path.join(output_dir, f"{split}-images-idx3-ubyte.gz"), 0x00000803, (n, ROWS, COLS), sub_images)
    write_idx(os.path.join(output_dir, f"{split}-labels-idx1-ubyte.gz"), 0x00000801, (n,), sub_labels)
    print(f"{split}: {n} rows ({per_class} per class)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    output_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "Data")
    os.makedirs(output_dir, exist_ok=True)
    for split in ("train", "t10k"):
        make(split, source_dir, output_dir)


if __name__ == "__main__":
    main()
