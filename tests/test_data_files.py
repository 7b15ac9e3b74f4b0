"""Nothing under data/ is read whole before its size is known (issue 27 B6, issue 28's
/dev/zero source text): the loader and the render service's key share one capped hash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from russian_views import config
from russian_views.dataset import files
from russian_views.dataset.load import load_dataset
from russian_views.errors import DataError
from russian_views.rendering import service


def _huge(path: Path) -> None:
    """A sparse 1 GB file: costs no disk, and would cost 1 GB of memory if read whole."""
    with path.open("wb") as handle:
        handle.truncate(2**30)


def test_a_huge_file_under_sources_is_refused_by_name_before_it_is_read(
    data_copy: Path, monkeypatch
):
    _huge(data_copy / "sources" / "notes.txt")
    monkeypatch.setattr(config, "DATA_DIR", data_copy)
    with pytest.raises(OSError, match="larger than 64 MiB") as caught:
        service.service_key()
    assert caught.value.filename == str(data_copy / "sources" / "notes.txt")


def test_a_source_text_linked_to_dev_zero_is_refused(data_copy: Path):
    text = data_copy / "sources" / "asan-forum-2021.txt"
    text.unlink()
    text.symlink_to("/dev/zero")
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    # the one problem, named by file, row, field and the path as written, and why
    assert [str(p) for p in caught.value.problems] == [
        "sources.csv, row 2, field 'path': is a symbolic link, which is never followed "
        "(value 'asan-forum-2021.txt')"
    ]


def test_a_source_text_replaced_by_a_fifo_is_refused_not_waited_on(data_copy: Path):
    text = data_copy / "sources" / "asan-forum-2021.txt"
    text.unlink()
    os.mkfifo(text)
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    assert [str(p) for p in caught.value.problems] == [
        "sources.csv, row 2, field 'path': is not a regular file (a FIFO) "
        "(value 'asan-forum-2021.txt')"
    ]


def test_a_file_that_grew_past_the_cap_is_refused_while_hashed(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    (tmp_path / "a.csv").write_bytes(b"x" * 11)
    with pytest.raises(OSError, match="larger than"):
        files.folder_digest(tmp_path)
    (tmp_path / "a.csv").write_bytes(b"x" * 10)
    assert len(files.folder_digest(tmp_path)) == 64


def test_the_service_key_and_the_loader_hash_with_one_routine(monkeypatch):
    """One data-file hash: breaking it changes both."""
    seen = []
    real = files.add_file
    monkeypatch.setattr(files, "add_file", lambda d, p, n: seen.append(n) or real(d, p, n))
    files.folder_digest(config.DATA_DIR)
    assert "schema.yml" in seen


def test_a_refused_source_text_stops_no_check_of_the_next(tmp_path: Path):
    """Every source is checked: one refused (a link) is reported with the next one's own
    problem (a changed text), not instead of it. Fixture texts written here."""
    from russian_views.dataset.validate import source_problems

    (tmp_path / "linked.txt").symlink_to("/dev/zero")
    (tmp_path / "changed.txt").write_text("Fixture paragraph.\n", encoding="utf-8")
    records = [
        {"_row": 2, "source_id": "a", "path": "linked.txt", "sha256": "0" * 64},
        {"_row": 3, "source_id": "b", "path": "changed.txt", "sha256": "0" * 64},
    ]
    texts, problems = source_problems(records, tmp_path)
    assert texts == {}
    assert [(p.row, p.field) for p in problems] == [(2, "path"), (3, "sha256")]
