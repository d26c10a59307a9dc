"""An LMS "download all" zip read into ``submitted/<student>/lab2/``: bounded, one student at a time.

The download's top-level entries are named by the LMS (Blackboard-style),

    <assignment>_<student_id>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file the student uploaded>

with the rule in ``c.FileNameCollectorPlugin.named_regexp`` (``nbgrader_config.py``)
and the time in the late policy's time zone. What a student uploads is hostile:

* a file belongs only to the student named by its top-level entry, and its time
  is that entry's (the LMS's). An upload named like a notebook of the assignment
  (``parte1_numpy.ipynb``) is that notebook; an uploaded ``.zip`` is opened one
  level deep and its members named like a notebook (in any folder) are; nothing
  else is collected. A member named like an LMS entry (it would name a student
  or a time) rejects the whole upload;
* every zip is checked before anything is extracted (``Limits``): member count and
  central directory size, each member's name (no ``..``, absolute path, NUL or
  control character; depth, length), compression (stored or deflate only),
  declared size, compression ratio and total; extraction is streamed with a hard
  byte cap per file and per student;
* a bad upload costs only that upload: it is not collected, the student's other
  files are, and one Spanish line says why (``collect.inventory`` shows it; kept in
  ``downloaded/lab2/collect_notes.json``). Every other student is collected.

Per notebook the newest copy (by LMS time) wins, a file uploaded as such over one
from a zip of the same attempt; ``timestamp.txt`` holds the newest LMS time of
the student's entries (UTC).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from . import gradebook, late, paths
from .safetext import for_terminal

NOTES = Path("downloaded") / paths.ASSIGNMENT / "collect_notes.json"  # under the course: the lines
NOTEBOOK_FILES = tuple(f"{name}.ipynb" for name in paths.NOTEBOOKS)
STAMP_FORMAT = "%Y-%m-%d-%H-%M-%S"             # the LMS's local time in an entry's name
_CHUNK = 64 * 2**10                            # bytes per read while extracting
_CD_BYTES_PER_MEMBER = 2048                    # central directory bytes allowed per member


@dataclass(frozen=True)
class Limits:
    """Bounds checked before (and, for bytes, while) extracting. Sizes in bytes."""

    entries: int = 20_000                  # top-level entries of the download
    members: int = 200                     # members of one uploaded zip
    file_bytes: int = 64 * 2**20           # one notebook or one uploaded zip, declared and written
    archive_bytes: int = 256 * 2**20       # declared total of one uploaded zip's members
    student_bytes: int = 160 * 2**20       # written for one student at any time
    ratio: int = 200                       # declared : compressed, for files over ratio_from
    ratio_from: int = 2**20
    depth: int = 8                         # folders in a member's name
    name_chars: int = 400                  # whole member name (a part: 255)


LIMITS = Limits()


class DownloadError(RuntimeError):
    """The download itself (the instructor's file) cannot be read; nothing was collected."""


class Rejected(Exception):
    """One upload is not collected; the message is its Spanish reason."""


def size_text(n: int) -> str:
    """1536 -> "1.5 KiB"; 2**31 -> "2.0 GiB"."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _quoted(name: str) -> str:
    return "«" + for_terminal(name[:120]) + ("…" if len(name) > 120 else "") + "»"


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\\/]", name) if p]


def name_problem(name: str, limits: Limits = LIMITS) -> str | None:
    """Why a member name is refused (absolute, ``..``, control character, too deep/long), or None."""
    if not name.strip("/\\"):
        return "nombre vacío"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") for c in name):
        return "tiene caracteres de control"
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "es una ruta absoluta"
    parts = _parts(name)
    if ".." in parts:
        return "sube de carpeta con '..'"
    if len(parts) > limits.depth + 1:
        return f"tiene más de {limits.depth} carpetas"
    if len(name) > limits.name_chars or any(len(p) > 255 for p in parts):
        return "es demasiado largo"
    return None


def member_problem(info: zipfile.ZipInfo, limits: Limits = LIMITS) -> str | None:
    """Why a zip member is refused before extraction (name, encryption, method, sizes), or None."""
    # zipfile cuts a name at its first NUL: the original name shows it
    why = name_problem(info.orig_filename, limits) or name_problem(info.filename, limits)
    if why:
        return f"el nombre {_quoted(info.orig_filename)} {why}"
    where = _quoted(info.filename)
    if info.flag_bits & 0x1:
        return f"{where} está cifrado"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"{where} usa una compresión no admitida (solo stored o deflate)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{where} es un enlace simbólico"
    if info.file_size > limits.file_bytes:
        return (f"{where} declara {size_text(info.file_size)} descomprimido "
                f"(límite {size_text(limits.file_bytes)})")
    if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(info.compress_size, 1):
        return (f"{where} se descomprime {info.file_size // max(info.compress_size, 1)} veces "
                f"(límite {limits.ratio})")
    return None


def open_bounded(file: Path, max_members: int) -> zipfile.ZipFile:
    """``file`` opened as a zip after checking its declared member count and directory size.

    Raises Rejected. The check reads only the end record, so a central directory
    of millions of entries is never parsed.
    """
    try:
        with open(file, "rb") as fh:
            end = zipfile._EndRecData(fh)  # (stdlib, stable since Python 2) the end-of-directory record
    except OSError:  # shorter than an end record
        end = None
    if end is None:
        raise Rejected("no es un archivo zip válido")
    count, directory = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if count > max_members:
        raise Rejected(f"declara {count} archivos (límite {max_members})")
    if directory > max_members * _CD_BYTES_PER_MEMBER:
        raise Rejected(f"su índice ocupa {size_text(directory)}, demasiado para {max_members} archivos")
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise Rejected(f"no es un archivo zip válido ({for_terminal(error)})") from None
    if len(archive.infolist()) > max_members:
        archive.close()
        raise Rejected(f"tiene {len(archive.infolist())} archivos (límite {max_members})")
    return archive


@dataclass
class Budget:
    """Bytes one student may still have written (a hard cap on disk use)."""

    left: int


def extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: Budget,
            limits: Limits = LIMITS) -> int:
    """Stream one member to ``target``, stopping at its declared size and the caps; return bytes.

    Raises Rejected (and leaves no partial file) when the data is broken or too large.
    """
    cap = min(info.file_size, limits.file_bytes)
    where = _quoted(info.filename)
    if cap > budget.left:
        raise Rejected(f"{where}: la entrega pasa de {size_text(limits.student_bytes)} en total")
    written = 0
    try:
        with archive.open(info) as source, open(target, "wb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > cap:
                    raise Rejected(f"{where}: extracción detenida al pasar de {size_text(cap)}")
                out.write(chunk)
    except Rejected:
        target.unlink(missing_ok=True)
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError,
            NotImplementedError) as error:
        target.unlink(missing_ok=True)
        raise Rejected(f"{where}: no se pudo extraer ({for_terminal(str(error)[:160])})") from None
    budget.left -= written
    return written


@dataclass
class Entry:
    """One top-level entry of the download, as the LMS named it."""

    info: zipfile.ZipInfo
    student: str
    when: datetime | None  # aware, from the entry's name
    upload: str            # the name the student's file had


@dataclass(order=True)
class Copy:
    """One copy of a notebook found for a student (extracted to ``file``)."""

    when: datetime
    direct: bool           # uploaded as such (not from inside a zip)
    origin: str = field(compare=False)
    file: Path = field(compare=False)


@dataclass
class Collected:
    """What one collect did: {student: [Spanish lines]} and lines about the download itself."""

    students: dict[str, list[str]]
    download: list[str]


def naming_rule(course: Path) -> re.Pattern:
    """The LMS naming rule of ``nbgrader_config.py`` (``FileNameCollectorPlugin.named_regexp``)."""
    return re.compile(gradebook.course_config(course).FileNameCollectorPlugin.named_regexp)


def parse_entry(info: zipfile.ZipInfo, rule: re.Pattern, zone: ZoneInfo) -> Entry | str:
    """The entry's student, LMS time and uploaded name; or why it is not an LMS entry."""
    hit = rule.match("/" + info.filename)
    if not hit or not hit.groupdict().get("student_id") or not hit.groupdict().get("file_id"):
        return f"ignorado {_quoted(info.filename)}: no sigue la regla de nombres del LMS"
    student = hit.group("student_id")
    if not re.fullmatch(r"\w+", student):
        return f"ignorado {_quoted(info.filename)}: id de estudiante no permitido"
    when = None
    if hit.groupdict().get("timestamp"):
        try:
            when = datetime.strptime(hit.group("timestamp"), STAMP_FORMAT).replace(tzinfo=zone)
        except ValueError:
            return f"ignorado {_quoted(info.filename)}: hora del LMS no válida"
    upload = _parts(hit.group("file_id"))
    if not upload:
        return f"ignorado {_quoted(info.filename)}: sin nombre de archivo"
    return Entry(info, student, when, upload[-1])


def _is_lms_name(name: str, rule: re.Pattern) -> bool:
    return bool(rule.match("/" + _parts(name)[-1])) if _parts(name) else False


def _fresh(work: Path, suffix: str) -> Path:
    """A file name not yet used in ``work`` (extracted files are named by us, never by the upload)."""
    index = 0
    while (work / f"{index}{suffix}").exists():
        index += 1
    return work / f"{index}{suffix}"


def _read_upload(download: zipfile.ZipFile, entry: Entry, work: Path, budget: Budget,
                 rule: re.Pattern, limits: Limits) -> tuple[list[tuple[str, Path]], list[str]]:
    """([(notebook file name, extracted file)], notes) of one upload. Raises Rejected."""
    upload = entry.upload
    problem = member_problem(entry.info, limits)
    if problem:
        raise Rejected(problem)
    if upload in NOTEBOOK_FILES:
        target = _fresh(work, ".ipynb")
        extract(download, entry.info, target, budget, limits)
        return [(upload, target)], []
    if not upload.lower().endswith(".zip"):
        return [], [f"{_quoted(upload)}: ignorado (solo se recogen "
                    f"{' y '.join(NOTEBOOK_FILES)}, o un .zip que los contenga)"]
    inner = _fresh(work, ".zip")
    size = extract(download, entry.info, inner, budget, limits)
    try:
        with open_bounded(inner, limits.members) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in archive.infolist():
                why = member_problem(member, limits)
                if why:
                    raise Rejected(why)
                if _is_lms_name(member.filename, rule):
                    raise Rejected(f"contiene {_quoted(member.filename)}, un nombre de entrega del "
                                   "LMS: dentro de una entrega ningún nombre indica estudiante ni hora")
            total = sum(m.file_size for m in members)
            if total > limits.archive_bytes:
                raise Rejected(f"declara {size_text(total)} descomprimido en total "
                               f"(límite {size_text(limits.archive_bytes)})")
            found, ignored = [], 0
            for member in members:
                name = _parts(member.filename)[-1]
                if name not in NOTEBOOK_FILES:
                    ignored += 1
                    continue
                target = _fresh(work, ".ipynb")
                extract(archive, member, target, budget, limits)
                found.append((name, target))
    finally:
        inner.unlink(missing_ok=True)
        budget.left += size
    notes = [f"{_quoted(upload)}: {ignored} archivo(s) ignorado(s) (solo cuentan "
             f"{' y '.join(NOTEBOOK_FILES)})"] if ignored else []
    if not found:
        notes.append(f"{_quoted(upload)}: no contiene {' ni '.join(NOTEBOOK_FILES)}")
    return found, notes


def _collect_student(download: zipfile.ZipFile, student: str, entries: list[Entry], work: Path,
                     target: Path, rule: re.Pattern, limits: Limits) -> list[str]:
    """Write one student's folder at ``target`` from their entries; return the notes."""
    shutil.rmtree(work, ignore_errors=True)
    files = work / "files"
    files.mkdir(parents=True)
    budget = Budget(limits.student_bytes)
    notes: list[str] = []
    copies: dict[str, list[Copy]] = {}
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    for entry in sorted(entries, key=lambda e: (e.when or oldest, e.info.filename)):
        try:
            found, more = _read_upload(download, entry, files, budget, rule, limits)
        except Rejected as why:
            notes.append(f"{_quoted(entry.upload)}: RECHAZADO: {why}")
            continue
        except Exception as error:  # noqa: BLE001 - one upload never stops the collect
            notes.append(f"{_quoted(entry.upload)}: RECHAZADO: error al leerlo "
                         f"({type(error).__name__}: {for_terminal(str(error)[:160])})")
            continue
        notes += more
        for name, file in found:
            copies.setdefault(name, []).append(
                Copy(entry.when or oldest, entry.upload in NOTEBOOK_FILES, entry.upload, file))
    folder = work / paths.ASSIGNMENT
    folder.mkdir()
    for name, found in sorted(copies.items()):
        best = max(found)
        twins = [c for c in found if c is not best and (c.when, c.direct) == (best.when, best.direct)]
        if twins:
            notes.append(f"{name}: varias copias de la misma entrega; se recogió la de "
                         f"{_quoted(best.origin)}")
        os.replace(best.file, folder / name)
    stamps = [e.when for e in entries if e.when is not None]
    if stamps:
        (folder / "timestamp.txt").write_text(
            max(stamps).astimezone(timezone.utc).isoformat(" ") + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(folder, target)
    shutil.rmtree(work, ignore_errors=True)
    return notes


def collect_download(course: Path, download: Path, limits: Limits = LIMITS) -> Collected:
    """Collect the LMS ``download`` into ``course/submitted/``; say what was refused.

    Only the students the download names are (re)written, each as a whole; raises
    DownloadError when the download itself is not a readable zip within ``limits.entries``.
    """
    if not download.is_file():
        raise DownloadError(f"{download}: no such zip file (give the LMS's download)")
    rule = naming_rule(course)
    zone = late.policy(course).due.tzinfo
    try:
        archive = open_bounded(download, limits.entries)
    except Rejected as why:
        raise DownloadError(f"{download.name}: the LMS download {why}") from None
    except Exception as error:  # noqa: BLE001 - any unreadable download is one clear line
        raise DownloadError(f"{download.name}: the LMS download cannot be read "
                            f"({type(error).__name__}: {error})") from None
    notes: list[str] = []
    by_student: dict[str, list[Entry]] = {}
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                entry = parse_entry(info, rule, zone)
            except Exception as error:  # noqa: BLE001 - one entry never stops the collect
                entry = f"ignorado {_quoted(info.filename)}: {type(error).__name__}"
            if isinstance(entry, str):
                notes.append(entry)
            else:
                by_student.setdefault(entry.student, []).append(entry)
        work = course / "downloaded" / paths.ASSIGNMENT / "collecting"
        students = {}
        for student, entries in sorted(by_student.items()):
            students[student] = _collect_student(
                archive, student, entries, work / student,
                course / "submitted" / student / paths.ASSIGNMENT, rule, limits)
        shutil.rmtree(work, ignore_errors=True)
    _keep_notes(course, students)
    if len(notes) > 20:  # an LMS's receipts, one per student: the first ones say enough
        notes = notes[:20] + [f"... y {len(notes) - 20} entradas ignoradas más"]
    return Collected(students, notes)


def _stamp(course: Path, student: str) -> str:
    file = course / "submitted" / student / paths.ASSIGNMENT / "timestamp.txt"
    return file.read_text(encoding="utf-8", errors="replace")[:100] if file.is_file() else ""


def _keep_notes(course: Path, students: dict[str, list[str]]) -> None:
    """Record each collected student's lines with the ``timestamp.txt`` they belong to."""
    file = course / NOTES
    kept = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
    kept.update({s: {"lines": lines, "timestamp": _stamp(course, s)} for s, lines in students.items()})
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(kept, indent=1, ensure_ascii=False), encoding="utf-8")


def notes_of(course: Path, student: str) -> list[str]:
    """The last collect's lines about ``student`` (terminal-safe; [] when none).

    They live under ``downloaded/``, not in the student's folder (which a student
    can fill through ``nbgrader collect``), and are shown only while the folder
    still holds the submission they were written for (same ``timestamp.txt``).
    """
    file = course / NOTES
    if not file.is_file():
        return []
    kept = json.loads(file.read_text(encoding="utf-8")).get(student)
    if not kept or kept["timestamp"] != _stamp(course, student):
        return []
    return [for_terminal(line) for line in kept["lines"]]
