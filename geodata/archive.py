"""Open zip archives (zipped shapefiles, police.uk downloads, .xlsx) within limits."""

from __future__ import annotations

import io
import logging
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

Source = tuple[str, bytes]

# .txt is left out: inside archives it is nearly always a readme or licence.
DATA_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".geojson", ".json", ".gpkg")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# A police.uk download holds street, outcomes and stop-and-search files per month.
_POLICE_MEMBER = re.compile(
    r"\d{4}-\d{2}-[a-z-]+-(street|outcomes|stop-and-search)\.csv$"
)


@dataclass(frozen=True)
class ZipLimits:
    """How much an archive may expand to; refusing past these stops zip bombs."""

    max_members: int = 500
    max_total_bytes: int = 500 * 1024 * 1024
    max_member_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 200.0


LIMITS = ZipLimits()


def _unsafe_name(member: zipfile.ZipInfo) -> bool:
    raw = member.filename
    path = PurePosixPath(raw.replace("\\", "/"))
    mode = member.external_attr >> 16
    return (
        raw.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", raw) is not None
        or ".." in path.parts
        or "\x00" in raw
        or stat.S_ISLNK(mode)
    )


def open_zip(
    name: str, data: bytes, limits: ZipLimits = LIMITS, what: str = "zip archive"
) -> zipfile.ZipFile:
    """Open a zip held in memory after checking its directory against ``limits``.

    Refuses corrupt and password-protected archives, member names that would escape
    a folder (``../``, absolute paths, links) and archives whose declared sizes or
    compression ratios exceed the limits, before anything is decompressed.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputDataError(
            f"{name}: the file is not a readable {what} ({exc}). "
            "Download or export it again."
        ) from exc
    if len(members) > limits.max_members:
        raise InputDataError(
            f"{name}: the archive holds {len(members)} files; the limit is "
            f"{limits.max_members}. Unzip it and upload only the files needed."
        )
    unsafe = [m.filename for m in members if _unsafe_name(m)]
    if unsafe:
        raise InputDataError(
            f"{name}: the archive has member names that point outside its folder "
            f"(e.g. '{unsafe[0][:80]}'). Such archives are refused; zip the files "
            "again from a plain folder."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise InputDataError(
            f"{name}: the archive is password-protected. Unzip it yourself and "
            "upload the files inside."
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_total_bytes:
        raise InputDataError(
            f"{name}: the archive would unpack to {total / 1e6:.0f} MB; the limit is "
            f"{limits.max_total_bytes / 1e6:.0f} MB. Upload fewer or smaller files."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.max_member_bytes or (
            member.file_size > 1024 * 1024 and ratio > limits.max_ratio
        ):
            raise InputDataError(
                f"{name}: member '{member.filename[:80]}' would unpack to "
                f"{member.file_size / 1e6:.0f} MB ({ratio:.0f} times its packed "
                "size). This looks like a zip bomb and is refused; upload the "
                "data file itself."
            )
    return archive


def read_member(
    name: str, archive: zipfile.ZipFile, member: str, limits: ZipLimits = LIMITS
) -> bytes:
    """Return one member's bytes, stopping if it unpacks past its declared size."""
    info = archive.getinfo(member)
    cap = min(info.file_size, limits.max_member_bytes)
    try:
        with archive.open(info) as handle:
            data = handle.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise InputDataError(
            f"{name}: member '{member}' could not be unpacked ({exc}). "
            "Download or export the archive again."
        ) from exc
    if len(data) > cap:
        raise InputDataError(
            f"{name}: member '{member}' unpacks to more than it declares. "
            "The archive is damaged or hostile and is refused."
        )
    return data


def _visible(archive: zipfile.ZipFile) -> list[str]:
    """Member files, without folders and macOS resource forks."""
    return [
        m.filename
        for m in archive.infolist()
        if not m.is_dir()
        and not m.filename.startswith("__MACOSX/")
        and not PurePosixPath(m.filename).name.startswith("._")
    ]


def shapefiles(archive: zipfile.ZipFile) -> list[str]:
    """Return the ``.shp`` members of an archive (their path without suffix)."""
    return sorted(
        str(PurePosixPath(m).with_suffix(""))
        for m in _visible(archive)
        if m.lower().endswith(".shp")
    )


def _pick(name: str, options: Sequence[str], part: str | None, what: str) -> str:
    if part is None:
        if len(options) == 1:
            return options[0]
        listed = ", ".join(f"'{o}'" for o in options[:10])
        raise InputDataError(
            f"{name}: the archive holds {len(options)} {what}s ({listed}). Name the "
            f"one to read after '#', e.g. '{name}#{PurePosixPath(options[0]).name}'."
        )
    wanted = part.strip().lower()
    for option in options:
        if wanted in {option.lower(), PurePosixPath(option).name.lower()}:
            return option
        if wanted == PurePosixPath(option).stem.lower():
            return option
    listed = ", ".join(f"'{o}'" for o in options[:10])
    raise InputDataError(
        f"{name}: the archive has no {what} '{part}'. It holds: {listed}."
    )


def extract_shapefile(
    name: str, data: bytes, part: str | None, folder: Path
) -> tuple[Path, bool]:
    """Write one zipped shapefile's parts into ``folder``.

    Returns
    -------
    Path, bool
        Path of the written ``.shp`` and whether a ``.prj`` (CRS) came with it.
    """
    archive = open_zip(name, data)
    stem = _pick(name, shapefiles(archive), part, "shapefile")
    members = {
        PurePosixPath(m).suffix.lower(): m
        for m in _visible(archive)
        if str(PurePosixPath(m).with_suffix("")) == stem
    }
    missing = [s for s in (".shp", ".shx", ".dbf") if s not in members]
    if missing:
        raise InputDataError(
            f"{name}: shapefile '{stem}' is incomplete: {', '.join(missing)} "
            "missing. Zip all the parts (.shp, .shx, .dbf and .prj) together."
        )
    for suffix in SHAPEFILE_PARTS:
        if suffix in members:
            target = folder / f"layer{suffix}"
            target.write_bytes(read_member(name, archive, members[suffix]))
    return folder / "layer.shp", ".prj" in members


def expand_archives(sources: Sequence[Source]) -> list[Source]:
    """Replace each zip of data files by its members, named ``archive.zip/member``.

    Zipped shapefiles stay whole (they are read as one layer). In a police.uk
    download only the ``-street.csv`` files are kept. ``archive.zip#member`` picks
    one member.
    """
    expanded: list[Source] = []
    for source_name, data in sources:
        file_name, part = split_part(source_name)
        if not file_name.lower().endswith(".zip"):
            expanded.append((source_name, data))
            continue
        archive = open_zip(file_name, data)
        if shapefiles(archive):
            expanded.append((source_name, data))
            continue
        members = [m for m in _visible(archive) if m.lower().endswith(DATA_SUFFIXES)]
        if any(_POLICE_MEMBER.search(m) for m in members):
            skipped = [m for m in members if not m.endswith("-street.csv")]
            members = [m for m in members if m.endswith("-street.csv")]
            if skipped:
                log.info(
                    "%s: skipped %d non-street police.uk files", file_name, len(skipped)
                )
        if part is not None:
            members = [_pick(file_name, members, part, "file")]
        if not members:
            found = ", ".join(f"'{m}'" for m in _visible(archive)[:8]) or "nothing"
            raise InputDataError(
                f"{file_name}: the archive holds no data file (found {found}). Zip "
                "CSV, Excel, GeoJSON, GeoPackage or shapefile files."
            )
        expanded.extend(
            (f"{file_name}/{m}", read_member(file_name, archive, m)) for m in members
        )
    return expanded


_PART = re.compile(
    r"^(?P<file>.+\.(?:xlsx|xlsm|gpkg|zip|geojson|json))#(?P<part>.+)$", re.I
)


def split_part(name: str) -> tuple[str, str | None]:
    """Split ``'book.xlsx#Sheet 2'`` into the file name and the sheet/layer/member.

    Names without a ``#`` after a workbook, GeoPackage or zip suffix come back
    whole with ``None``.
    """
    match = _PART.match(name)
    if match is None:
        return name, None
    return match["file"], match["part"]
