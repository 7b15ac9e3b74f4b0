"""The content-hash cache: unchanged briefings are not rendered again; any change re-renders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from russian_views.dataset.load import load_dataset
from russian_views.rendering import batch, cache, render
from russian_views.rendering.cache import MANIFEST, Manifest, job_key

from .conftest import edit_csv


@pytest.fixture
def cached_folder(rendered: Path, tmp_path: Path) -> Path:
    """A copy of the session's rendered folder (manifest included)."""
    target = tmp_path / "reports"
    shutil.copytree(rendered, target)
    return target


@pytest.fixture
def executed(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[str, ...]]]:
    """The jobs (and formats) a batch sends to be rendered, execution stubbed: each job's
    files are copied from the session's render of the same job. Only the cache's choices are
    under test here; rendering itself is tested end to end elsewhere."""
    calls: list[tuple[str, tuple[str, ...]]] = []

    def stub(todo, out_dir, formats, paper, workers):
        for job in todo:
            calls.append((job.stem, tuple(formats)))
            files = [out_dir / f"{job.stem}.{ext}" for ext in ("ipynb", *formats)]
            for path in files:
                shutil.copyfile(rendered / path.name, path)
            yield render.Result(job, 0.1, files)

    monkeypatch.setattr(batch, "_execute_all", stub)
    return calls


def _jobs(dataset):
    return [render.actor_job(dataset, "north-korea"), render.overview_job(dataset)]


def test_unchanged_inputs_are_taken_from_the_cache(cached_folder: Path, dataset):
    before = {p.name: p.read_bytes() for p in cached_folder.iterdir()}
    results = batch.render_batch(_jobs(dataset), dataset, cached_folder, ("html", "pdf"))
    assert [r.cached for r in results] == [True, True]
    assert {p.name: p.read_bytes() for p in cached_folder.iterdir()} == before


def test_force_renders_again(cached_folder: Path, dataset, executed: list):
    job = _jobs(dataset)[1:]  # the overview: cached in this folder, so only force renders it
    assert batch.render_batch(job, dataset, cached_folder, ("html", "pdf"))[0].cached
    assert executed == []
    results = batch.render_batch(job, dataset, cached_folder, ("html", "pdf"), force=True)
    assert not results[0].cached and results[0].error is None
    assert executed == [("overview", ("html", "pdf"))]


def test_a_deleted_output_is_rendered_again(cached_folder: Path, dataset, executed: list):
    (cached_folder / "overview.pdf").unlink()
    results = batch.render_batch(_jobs(dataset), dataset, cached_folder, ("html", "pdf"))
    assert [r.cached for r in results] == [True, False]
    assert executed == [("overview", ("html", "pdf"))]
    assert (cached_folder / "overview.pdf").exists()


def test_other_formats_or_paper_are_other_keys(dataset):
    job = render.actor_job(dataset, "china")
    keys = {
        job_key(job.notebook, job.parameters, dataset.version, o)
        for o in [
            {"formats": ["html"], "paper": "A4"},
            {"formats": ["html", "pdf"], "paper": "A4"},
            {"formats": ["html", "pdf"], "paper": "Letter"},
        ]
    }
    assert len(keys) == 3


def test_changing_one_data_row_changes_every_key(data_copy: Path, dataset):
    edit_csv(data_copy / "events.csv", "Shooting at the DMZ", "Shooting in the DMZ")
    changed = load_dataset(data_copy)
    for make in (lambda d: render.actor_job(d, "north-korea"), render.overview_job):
        old, new = make(dataset), make(changed)
        assert job_key(old.notebook, old.parameters, dataset.version, {}) != job_key(
            new.notebook, new.parameters, changed.version, {}
        )


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"china": 1}',
        '{"china": {"key": "k", "files": [1]}}',
        '{"china": {"key": "k", "files": {"/dev/zero": "0"}}}',
    ],
)
def test_a_corrupt_manifest_means_render_everything(tmp_path: Path, capsys, text: str):
    (tmp_path / MANIFEST).write_text(text, "utf-8")
    manifest = Manifest(tmp_path)
    assert manifest.entries == {} and not manifest.is_fresh("china", "k")
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith(f"russian-views: warning: {tmp_path / MANIFEST}: cache manifest")
    assert warning.endswith("; rendering again")


def test_a_manifest_that_cannot_be_saved_is_a_warning(tmp_path: Path, capsys):
    (tmp_path / MANIFEST).mkdir()  # in the way: neither readable nor replaceable
    manifest = Manifest(tmp_path)
    manifest.save()
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[1] == (
        f"russian-views: warning: cannot save the cache manifest {tmp_path / MANIFEST}"
        " (Is a directory); the next run renders again"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST], "no temporary file left"


@pytest.mark.parametrize("library", cache.OUTPUT_LIBRARIES)
def test_upgrading_an_output_library_changes_every_key(dataset, monkeypatch, library: str):
    job = render.actor_job(dataset, "china")
    before = job_key(job.notebook, job.parameters, dataset.version, {})
    installed = cache.version

    def upgraded(name: str) -> str:
        return "99.0" if name == library else installed(name)

    monkeypatch.setattr(cache, "version", upgraded)
    cache.library_versions.cache_clear()
    try:
        assert job_key(job.notebook, job.parameters, dataset.version, {}) != before
    finally:
        cache.library_versions.cache_clear()


@pytest.mark.slow
def test_another_chart_bundle_renders_again(dataset, tmp_path: Path, monkeypatch):
    """Pages inline the bundle: made with another one (say, before a damaged bundle in the
    cache was repaired), they are stale. Execution is stubbed: only the keys matter here."""
    from russian_views.rendering import chart_bundle

    def stub(todo, out_dir, formats, paper, workers):
        for job in todo:
            path = out_dir / f"{job.stem}.html"
            path.write_text("<html></html>")
            yield render.Result(job, 0.1, [path])

    monkeypatch.setattr(batch, "_execute_all", stub)
    jobs = [render.actor_job(dataset, "china")]

    def cached() -> bool:
        return batch.render_batch(jobs, dataset, tmp_path, ("html",))[0].cached

    assert [cached(), cached()] == [False, True]
    monkeypatch.setattr(
        chart_bundle, "chart_bundle", lambda: chart_bundle.Bundle("other", "f" * 64)
    )
    assert cached() is False


def test_failed_renders_are_not_recorded(dataset, tmp_path: Path, monkeypatch):
    """Execution is stubbed: the bad job fails as its failing cell would (test_batch renders
    it for real) and the good one writes a page; only what the manifest records is tested."""

    def stub(todo, out_dir, formats, paper, workers):
        for job in todo:
            if job.stem == "bad":
                yield render.Result(job, 0.1, error="bad: cell 3 raised ParameterError")
            else:
                (out_dir / f"{job.stem}.html").write_text("<html></html>")
                yield render.Result(job, 0.1, [out_dir / f"{job.stem}.html"])

    monkeypatch.setattr(batch, "_execute_all", stub)
    good = render.actor_job(dataset, "china")
    bad = render.Job("bad", good.notebook, {"actor": "narnia"}, "bad")
    batch.render_batch([good, bad], dataset, tmp_path, ("html",))
    recorded = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    assert "china" in recorded and "bad" not in recorded


def test_index_is_rewritten_only_when_something_changed(cached_folder: Path, dataset):
    assert batch.update_index(dataset, cached_folder) is True
    assert batch.update_index(dataset, cached_folder) is False
    (cached_folder / "overview.pdf").unlink()
    assert batch.update_index(dataset, cached_folder) is True


def test_a_report_edited_by_hand_is_not_fresh(tmp_path: Path):
    """Fresh means the same bytes as written, not merely present: a report edited after
    the render (same name, same size) renders again."""
    page = tmp_path / "china.html"
    page.write_text("<p>as rendered</p>", encoding="utf-8")
    manifest = cache.Manifest(tmp_path)
    manifest.record("china", "key", [page])
    assert manifest.is_fresh("china", "key")
    page.write_text("<p>as  altered</p>", encoding="utf-8")
    assert page.stat().st_size == len("<p>as rendered</p>")
    assert not manifest.is_fresh("china", "key")
    assert not manifest.is_fresh("china", "another key")


def _executed_with(version: str):
    """A stand-in execution whose title block says the kernel loaded data ``version``."""
    import nbformat

    def execute(job, kernel=None):
        nb = nbformat.v4.new_notebook()
        html = f'<p class="meta-line" data-version="{version}">…</p>'
        nb.cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": html})])]  # fmt: skip
        return nb

    return execute


def test_a_render_whose_kernel_read_other_data_is_not_cached(dataset, tmp_path: Path, monkeypatch):
    """The key holds the data version read when the batch began; a kernel that loaded
    another version (the data changed meanwhile) leaves files that are not taken as fresh."""
    job = render.actor_job(dataset, "china")
    monkeypatch.setattr(render, "export", lambda nb, formats, paper: {"html": b"<html></html>"})
    monkeypatch.setattr(render, "execute", _executed_with("0123456789ab"))
    first = batch.render_batch([job], dataset, tmp_path, ("html",), "A4", workers=1)
    assert not first[0].error and first[0].data_version == "0123456789ab"
    again = batch.render_batch([job], dataset, tmp_path, ("html",), "A4", workers=1)
    assert not again[0].cached, "rendered from other data: must render again"
    monkeypatch.setattr(render, "execute", _executed_with(dataset.version))
    batch.render_batch([job], dataset, tmp_path, ("html",), "A4", workers=1)
    third = batch.render_batch([job], dataset, tmp_path, ("html",), "A4", workers=1)
    assert third[0].cached


def test_the_executed_notebook_names_the_data_version_its_kernel_loaded(rendered: Path, dataset):
    import nbformat

    nb = nbformat.read(rendered / "north-korea.ipynb", as_version=4)
    assert render.loaded(nb) == dataset.version


@pytest.mark.parametrize("name", ["", ".", ".."])
def test_a_manifest_naming_no_file_of_the_folder_is_unreadable(tmp_path: Path, capsys, name):
    """ "", "." and ".." are names in no folder: a manifest listing one is damaged, said in
    one warning line, and taken as empty."""
    entry = {"key": "k", "files": {"north-korea.html": None, name: "0" * 64}, "seconds": 1.0}
    (tmp_path / MANIFEST).write_text(json.dumps({"north-korea": entry}), "utf-8")
    assert Manifest(tmp_path).entries == {}
    assert "cache manifest unreadable" in capsys.readouterr().err


def test_the_manifest_keeps_each_render_time_and_forgets_a_failed_stem(tmp_path: Path):
    """How long a briefing took is kept to a tenth of a second (the batch starts the
    longest first); a stem whose render failed is forgotten, so it renders again."""
    report = tmp_path / "china.html"
    report.write_text("<html></html>", "utf-8")
    manifest = Manifest(tmp_path)
    manifest.record("china", "key-1", [report], seconds=2.345)
    manifest.record("overview", "key-2", [report])
    manifest.save()
    again = Manifest(tmp_path)
    assert again.seconds("china", default=9.0) == 2.3
    assert again.seconds("overview", default=9.0) == 0.0
    assert again.seconds("south-korea", default=9.0) == 9.0
    assert again.is_fresh("china", "key-1")
    again.forget("china")
    assert not again.is_fresh("china", "key-1")
    assert again.is_fresh("overview", "key-2")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("{not json", "Expecting property name"), ('{"a": 1}', "not a manifest of keys and file")],
)
def test_an_unreadable_manifest_is_named_with_the_reason(tmp_path: Path, capsys, text, reason):
    (tmp_path / MANIFEST).write_text(text, "utf-8")
    Manifest(tmp_path)
    (line,) = capsys.readouterr().err.splitlines()
    assert f"{tmp_path / MANIFEST}: cache manifest unreadable ({reason}" in line


def test_the_manifest_and_the_keys_do_not_depend_on_order(tmp_path: Path):
    """Briefings finish in any order and callers build parameters in any order: the same
    renders give the same manifest bytes and the same keys."""
    report = tmp_path / "china.html"
    report.write_text("<html></html>", "utf-8")
    saved = []
    for stems in (["china", "overview"], ["overview", "china"]):
        manifest = Manifest(tmp_path)
        manifest.entries = {}
        for stem in stems:
            manifest.record(stem, f"key-{stem}", [report], seconds=1.0)
        manifest.save()
        saved.append((tmp_path / MANIFEST).read_bytes())
    assert saved[0] == saved[1]
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}", "utf-8")
    one = job_key(notebook, {"actor": "china", "since": 2014}, "v1", {"paper": "A4", "f": 1})
    two = job_key(notebook, {"since": 2014, "actor": "china"}, "v1", {"f": 1, "paper": "A4"})
    assert one == two
