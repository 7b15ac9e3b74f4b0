"""The class's inbox on a shared machine: refused when another user could change it,
hand-ins created exclusively, and read back by class-agreement with the safe reader.

Every file here is a fixture written by the test (the worksheets are the project's own
reference coding, copied)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from russian_views import cli
from russian_views.classroom.agreement import REFERENCE_PATH
from russian_views.classroom.class_agreement import measure_class
from russian_views.classroom.inbox import Inbox, InboxError, printable
from russian_views.errors import DataError


def test_a_missing_inbox_is_created_private(tmp_path: Path):
    inbox = Inbox.open(tmp_path / "inbox", create=True)
    assert (tmp_path / "inbox").stat().st_mode & 0o777 == 0o700 and inbox.path.is_dir()


def test_an_inbox_that_is_a_link_is_refused_in_one_line(tmp_path: Path, capsys):
    (tmp_path / "theirs").mkdir()
    (tmp_path / "inbox").symlink_to(tmp_path / "theirs")
    argv = ["explore", "--no-browser", "--exercise", "8", "--inbox", str(tmp_path / "inbox")]
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a symbolic link" in err and str(tmp_path / "inbox") in err


@pytest.mark.parametrize(("mode", "refused"), [(0o777, True), (0o770, True), (0o1777, False)])
def test_a_folder_others_can_write_is_refused_above_the_inbox_too(tmp_path, mode, refused):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    for inbox in (shared, shared / "inbox"):
        if refused:
            with pytest.raises(InboxError, match="can be written by other users"):
                Inbox.open(inbox, create=True)
        elif inbox != shared:
            Inbox.open(inbox, create=True)


def test_an_inbox_deleted_or_replaced_while_the_page_runs_is_never_recreated(tmp_path):
    inbox = Inbox.open(tmp_path / "inbox", create=True)
    shutil.rmtree(inbox.path)
    with pytest.raises(InboxError, match="gone or no longer private"):
        inbox.hand_in("anna.csv", b"x")
    assert not inbox.path.exists()
    inbox.path.mkdir(mode=0o700)  # a folder put in its place, however private
    with pytest.raises(InboxError, match="was replaced since this page opened"):
        inbox.hand_in("anna.csv", b"x")
    inbox.path.chmod(0o777)
    assert list(inbox.path.iterdir()) == []


def test_two_hand_ins_under_one_name_at_once_never_overwrite_each_other(tmp_path):
    inbox = Inbox.open(tmp_path / "inbox", create=True)
    start, won, lost = threading.Barrier(16), [], []

    def hand_in(n: int) -> None:
        start.wait()
        try:
            inbox.hand_in("anna.csv", f"coding {n}\n".encode() * 2000)
            won.append(n)
        except FileExistsError:
            lost.append(n)

    threads = [threading.Thread(target=hand_in, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == 15
    assert (inbox.path / "anna.csv").read_bytes() == f"coding {won[0]}\n".encode() * 2000
    assert [p.name for p in inbox.path.iterdir()] == ["anna.csv"]  # no staged file left


def class_of_two(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir(mode=0o700)
    for name in ("anna.csv", "boris.csv"):
        shutil.copy(REFERENCE_PATH, folder / name)
    return folder


def test_class_agreement_never_follows_a_link_in_the_inbox(tmp_path, dataset):
    folder = class_of_two(tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text("source_id,paragraph\nthe victim's secret line,1\n")
    (folder / "vera.csv").symlink_to(secret)
    with pytest.raises(DataError) as error:
        measure_class(folder, dataset=dataset)
    assert [(p.file, p.message) for p in error.value.problems] == [
        ("vera.csv", "is a symbolic link, which is never followed")
    ]
    assert "secret" not in str(error.value)


def test_class_agreement_never_waits_on_a_fifo_in_the_inbox(tmp_path):
    folder = class_of_two(tmp_path)
    os.mkfifo(folder / "vera.csv")
    command = [sys.executable, "-m", "russian_views", "class-agreement", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == cli.EXIT_BAD_INPUT
    assert "vera.csv: is not a regular file" in done.stderr


def test_file_names_reach_the_terminal_escaped(tmp_path, capsys):
    folder = class_of_two(tmp_path)
    os.rename(folder / "boris.csv", folder / "boris\x1b[2J\x1b]0;owned\x07.csv")
    assert cli.main(["class-agreement", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "boris\\x1b[2J" in out
    assert printable("a\nb\x1b") == "a\\nb\\x1b" and printable("Анна") == "Анна"
