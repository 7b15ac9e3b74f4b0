"""The charts' bundle: a damaged, empty, foreign or hostile cached bundle is never inlined."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from russian_views import config
from russian_views.errors import RenderError
from russian_views.rendering import chart_bundle as bundles


@pytest.fixture(scope="module")
def good() -> bundles.Bundle:
    """The real bundle (built once, in the tests' cache folder)."""
    return bundles.chart_bundle()


@pytest.fixture
def builds(tmp_path: Path, monkeypatch, good: bundles.Bundle) -> list[str]:
    """An empty cache folder, and vl-convert replaced by a counter that returns the real
    bundle (building it for real takes a second per test)."""
    import vl_convert

    calls: list[str] = []

    def build(vl_version: str) -> str:
        calls.append(vl_version)
        return good.text

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(vl_convert, "javascript_bundle", build)
    bundles.chart_bundle.cache_clear()
    yield calls
    bundles.chart_bundle.cache_clear()


def _plant(text: bytes, sha: str | None = None) -> Path:
    """Put ``text`` in the cache as the bundle, with its own sha256 beside it unless given."""
    path = bundles.path()
    path.write_bytes(text)
    path.with_name(path.name + ".sha256").write_text(sha or hashlib.sha256(text).hexdigest())
    return path


def test_the_real_bundle_is_safe_to_inline(good: bundles.Bundle):
    bundles.check(good.text)
    assert good.sha256 == hashlib.sha256(good.text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("planted", "why"),
    [
        (b"\xff\xfe" + b"x" * 200_000, "codec can't decode"),
        (b"", "is 0 characters"),
        (b"garbage " * 20_000, "does not define window.vegaEmbed"),
        (b"</script><iframe src=//evil>", "is 28 characters"),
    ],
    ids=["invalid-utf8", "empty", "garbage", "short-script-break"],
)
def test_a_damaged_bundle_is_rebuilt_and_replaced(builds, good, capsys, planted: bytes, why: str):
    path = _plant(planted)
    assert bundles.chart_bundle() == good
    assert len(builds) == 1
    assert path.read_bytes() == good.text.encode()
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith(f"russian-views: warning: chart bundle {path} cannot be used (")
    assert why in warning


def test_a_bundle_with_a_script_break_is_refused_even_with_a_matching_hash(builds, good, capsys):
    hostile = good.text.replace("window.vegaEmbed=", "</script><iframe src=x>window.vegaEmbed=", 1)
    _plant(hostile.encode())
    assert bundles.chart_bundle() == good and len(builds) == 1
    assert "contains '</script'" in capsys.readouterr().err


def test_a_bundle_that_does_not_match_its_recorded_hash_is_rebuilt(builds, good, capsys):
    _plant(good.text.encode(), sha="0" * 64)
    assert bundles.chart_bundle() == good and len(builds) == 1
    assert "differs from the recorded" in capsys.readouterr().err


def test_an_intact_cached_bundle_is_used_without_building(builds, good):
    _plant(good.text.encode())
    assert bundles.chart_bundle() == good and builds == []


def test_a_build_that_fails_the_check_is_an_error(builds, monkeypatch):
    import vl_convert

    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda vl_version: "<!-- x")
    with pytest.raises(RenderError, match="chart bundle is 6 characters"):
        bundles.chart_bundle()
    assert not bundles.path().exists(), "a refused build is not cached"
