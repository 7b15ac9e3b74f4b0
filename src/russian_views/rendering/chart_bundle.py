"""The charts' JavaScript: vl-convert's Vega, Vega-Lite and vega-embed bundle, checked before use.

Every page with charts inlines this bundle (about 0.9 MB), so a damaged one would break the
charts of every page and a planted one would run in every page. Building it takes about a
second, so it is kept in the user's cache folder (0700, refused when another user could
change it or any folder above it) with its sha256 written beside it. Before
use the file must match that hash and pass a content check (big enough, defines
``vegaEmbed``, holds nothing that could end or comment out the inline ``<script>``);
otherwise it is rebuilt. A fresh build must pass the same content check. The hash is part
of every briefing's cache key, so pages made with another bundle are rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from russian_views import config
from russian_views.atomic import read_capped, write_atomic
from russian_views.errors import RenderError
from russian_views.private import UnsafeFolder, private_folder

# What the page's loader calls; a bundle without it draws no chart.
ENTRY_POINT = "window.vegaEmbed="
# vl-convert's bundle is about 0.9 MB; anything far smaller is not the real thing.
MIN_SIZE = 100_000
MAX_SIZE = 16 * 1024 * 1024  # and nothing far larger is read
# Text that would end the inline script, or open a comment that changes how it ends.
_SCRIPT_BREAK = re.compile(r"</script|<!--", re.I)


@dataclass(frozen=True)
class Bundle:
    """The bundle's text and its sha256 (hex)."""

    text: str
    sha256: str


def path() -> Path:
    """Where the bundle is kept: named by the vl-convert and Altair versions (Altair fixes the
    Vega-Lite version), read from the installed metadata so checking the cache imports
    neither."""
    name = f"vega-bundle-{version('vl-convert-python')}-altair-{version('altair')}.js"
    return config.CACHE_DIR / name


def _hash_path(bundle_path: Path) -> Path:
    return bundle_path.with_name(bundle_path.name + ".sha256")


def check(text: str) -> None:
    """Raise RenderError unless ``text`` looks like vl-convert's bundle and is safe to inline."""
    if len(text) < MIN_SIZE:
        raise RenderError(f"chart bundle is {len(text)} characters (expected at least {MIN_SIZE})")
    if ENTRY_POINT not in text:
        raise RenderError(f"chart bundle does not define {ENTRY_POINT.rstrip('=')}")
    found = _SCRIPT_BREAK.search(text)
    if found:
        raise RenderError(f"chart bundle contains {found.group(0)!r}, which would end its script")


@functools.cache
def chart_bundle() -> Bundle:
    """The verified bundle: the cached one if intact, else a new build (then cached)."""
    bundle_path = path()
    try:
        # Whoever can change the cache folder could swap in a bundle and its hash: refused.
        private_folder(bundle_path.parent, config.CACHE_SETTING, tighten=True)
    except UnsafeFolder:
        raise
    except OSError:  # a cache that cannot be made (read-only home): build, keep nothing
        return _build()
    try:
        return _read(bundle_path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, RenderError) as exc:
        warning = f"chart bundle {bundle_path} cannot be used ({exc}); rebuilding"
        print(f"russian-views: warning: {warning}", file=sys.stderr)
    bundle = _build()
    try:
        write_atomic(bundle_path, bundle.text.encode("utf-8"))
        write_atomic(_hash_path(bundle_path), (bundle.sha256 + "\n").encode("ascii"))
    except OSError:
        pass  # an unwritable cache only costs the second of building next time
    return bundle


def _read(bundle_path: Path) -> Bundle:
    """The cached bundle, or an error saying why it cannot be used."""
    data = read_capped(bundle_path, MAX_SIZE)
    recorded = read_capped(_hash_path(bundle_path), 100).decode("ascii").strip()
    actual = hashlib.sha256(data).hexdigest()
    if actual != recorded:
        raise ValueError(f"sha256 {actual[:12]}… differs from the recorded {recorded[:12]}…")
    text = data.decode("utf-8")
    check(text)
    return Bundle(text, actual)


def _build() -> Bundle:
    """Ask vl-convert for the bundle of the Vega-Lite version the figures' SVG is drawn with."""
    import vl_convert

    from russian_views.briefings.figure import VL_VERSION

    try:
        text = vl_convert.javascript_bundle(vl_version=VL_VERSION)
    except Exception as exc:  # vl-convert raises its own types; any is a failed build
        raise RenderError(f"vl-convert could not build the chart bundle: {exc}") from exc
    check(text)
    return Bundle(text, hashlib.sha256(text.encode("utf-8")).hexdigest())
