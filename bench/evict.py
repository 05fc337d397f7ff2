#!/usr/bin/env python3
"""Puts the files under the given folders out of the page cache.

bench/run.sh runs xref once more this way, for its cold-cache figure: a
corpus that was just copied in, or that is larger than the memory, is read
from the disk, not from the cache.  Each file is written back first
(fsync), then dropped (posix_fadvise POSIX_FADV_DONTNEED), which needs no
privilege; dentries and inodes stay cached.  Prints the number of files.
"""
import os
import sys


def main(argv):
    n = 0
    for top in argv[1:]:
        for folder, _, names in os.walk(top):
            for name in names:
                try:
                    fd = os.open(os.path.join(folder, name), os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.fsync(fd)
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    n += 1
                except OSError:
                    pass
                finally:
                    os.close(fd)
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
