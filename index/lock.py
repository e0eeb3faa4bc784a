"""One writer per data directory. Embedded Chroma is not safe for concurrent writers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from index.errors import IndexBusyError

LOCK_NAME = "write.lock"


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's write lock, or raise `IndexBusyError` at once if another process has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(data_dir / LOCK_NAME, timeout=0)
    owner_file = data_dir / "write.owner"
    try:
        lock.acquire()
    except Timeout:
        owner = owner_file.read_text().strip() if owner_file.exists() else "another process"
        raise IndexBusyError(
            f"{data_dir} is being written by {owner}; wait for it to finish "
            "(or point RECAP_DATA_DIR elsewhere) and try again"
        ) from None
    try:
        owner_file.write_text(f"pid {os.getpid()}")
        yield
    finally:
        owner_file.unlink(missing_ok=True)
        lock.release()
