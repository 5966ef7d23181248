"""Writing files so that nothing is lost: a file appears whole or not at all, never over an
input of the study, and runs writing into one folder take turns; and CSV cells that a
spreadsheet opening the file will not run as formulas."""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from svrdf.errors import OutputError


def write_atomically(data: bytes, destination: str | Path) -> None:
    """Write ``data`` to ``destination`` through a temporary file in the same folder, so the
    old file stays intact until the new one is complete."""
    with atomic_output(destination) as handle:
        handle.write(data)


@contextmanager
def atomic_output(destination: str | Path, inputs: Iterable[Path] = ()) -> Iterator[BinaryIO]:
    """A file to write in pieces that appears at ``destination`` only when the block ends
    without an error; until then, and after a failure, the old file is left as it was.
    ``destination`` may not be one of ``inputs`` (by any path or link to it): an output never
    replaces what it was made from."""
    _refuse_replacing_an_input(Path(destination), inputs)
    target = Path(destination)
    if target.is_symlink():
        target = target.resolve()  # replace the file the link points to, and keep the link
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        # A device or a pipe (/dev/stdout, a FIFO): write into it; renaming would replace it.
        try:
            with open(target, "wb") as stream:
                yield stream
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror}") from None
        return
    try:
        # Not a with-block: the file must outlive its handle, to be renamed into place.
        handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{target.name}.", suffix=".tmp",  # noqa: SIM115
                                             delete=False)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with handle:
            yield cast(BinaryIO, handle)  # a binary file, behind tempfile's wrapper
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, _mode_for(target))
        os.replace(handle.name, target)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@contextmanager
def locked_folder(folder: str | Path) -> Iterator[None]:
    """Hold the folder's lock for the block, making the folder (and its parents) first if it
    is missing: svrdf runs writing bundles into the same folder take turns (each waits for the
    one before), so the folder never ends up with some files of one run and some of another.
    An advisory lock (flock), which needs no file of its own."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # which releases the lock


def _refuse_replacing_an_input(destination: Path, inputs: Iterable[Path]) -> None:
    if not destination.exists():
        return
    for source in inputs:
        try:
            same = os.path.samefile(destination, source)
        except OSError:  # an input gone since it was read
            continue
        if same:
            raise OutputError(f"cannot write {destination}: it is an input of the study "
                              f"({source}); svrdf never replaces its inputs, so choose another "
                              "output path")


def _mode_for(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A text for a CSV file that spreadsheets open: after a ``'`` if a spreadsheet would run
    it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
