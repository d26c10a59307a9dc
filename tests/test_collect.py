"""An LMS download cannot speak for another student (issue 11, item 3).

Every attack is one student's upload inside a download that also holds two
honest students, ``ana`` and ``bruno``; each test checks the attacker's exact
lines and files, and that the honest students were collected byte for byte
with their LMS times. The downloads are built here (the notebooks are the
example class's, from the committed release); no notebook is graded except in
the ``e2e`` test of the late factor.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import make_course
from coursetools import collect, course as steps, examples, gradebook, late, lms_download, nbgrader_cli, paths, points

ON_TIME = "2026-12-04-18-00-00"   # LMS local time (America/Guatemala), before the due date
FOUR_DAYS = "2026-12-08-10-00-00"  # 3 days 10 hours after the due date: 4 started days, factor 0.60
P1, P2 = "parte1_numpy.ipynb", "parte2_pytorch.ipynb"


@pytest.fixture(scope="module")
def notebooks() -> dict[str, dict[str, bytes]]:
    """{example student: {notebook file: bytes}} for the notebooks used here."""
    roster = examples.roster()
    return {s: examples.submission_files(paths.ROOT, s, roster[s]) for s in ("perfecto", "sin_tocar")}


@pytest.fixture
def lms(tmp_path):
    """A fresh course directory (config and source only: collecting needs no release)."""
    return make_course(tmp_path)


def entry(student: str, when: str, upload: str) -> str:
    """The LMS's top-level name for a file ``upload`` handed in by ``student`` at local ``when``."""
    return f"{paths.ASSIGNMENT}_{student}_attempt_{when}_{upload}"


def zip_of(members: dict, store_zips: bool = True) -> bytes:
    """A zip holding ``members`` ({name or ZipInfo: bytes}); zips inside are stored, not deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            stored = store_zips and str(getattr(name, "filename", name)).endswith(".zip")
            archive.writestr(name, data, zipfile.ZIP_STORED if stored else None)
    return buf.getvalue()


def honest(notebooks) -> dict[str, bytes]:
    return {entry("ana", ON_TIME, P1): notebooks["perfecto"][P1],
            entry("ana", ON_TIME, P2): notebooks["perfecto"][P2],
            entry("bruno", FOUR_DAYS, P1): notebooks["sin_tocar"][P1]}


def collect_download(course: Path, entries: dict[str, bytes]) -> dict[str, list[str]]:
    """Write the download, collect it through the course's collect step; return the inventory."""
    download = course / "downloaded" / "lms.zip"
    download.parent.mkdir(parents=True, exist_ok=True)
    download.write_bytes(zip_of(entries))
    return steps.collect_step(course, download)


def folder(course: Path, student: str) -> Path:
    return course / "submitted" / student / paths.ASSIGNMENT


def files_of(course: Path, student: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder(course, student).iterdir())}


def assert_honest_collected(course, notebooks):
    assert files_of(course, "ana") == {P1: notebooks["perfecto"][P1], P2: notebooks["perfecto"][P2],
                                       "timestamp.txt": b"2026-12-05 00:00:00+00:00\n"}
    assert files_of(course, "bruno") == {P1: notebooks["sin_tocar"][P1],
                                         "timestamp.txt": b"2026-12-08 16:00:00+00:00\n"}
    assert not (course / "downloaded" / paths.ASSIGNMENT / "collecting").exists()


def test_honest_download_is_collected_with_the_lms_times(lms, notebooks):
    inventory = collect_download(lms, honest(notebooks))
    assert inventory == {
        "ana": ["parte1_numpy: ok", "parte2_pytorch: ok", "entregado: 2026-12-05 00:00+00:00"],
        "bruno": ["parte1_numpy: ok", "parte2_pytorch: NO ENTREGADO: falta parte2_pytorch.ipynb",
                  "entregado: 2026-12-08 16:00+00:00"]}
    assert_honest_collected(lms, notebooks)


def test_an_upload_cannot_name_another_student(lms, notebooks):
    """eva zips a file named as ana's LMS entry (later attempt), and ana's folder path."""
    fake = entry("ana", "2026-12-05-09-00-00", P1)
    inventory = collect_download(lms, {
        **honest(notebooks),
        entry("eva", ON_TIME, "entrega.zip"): zip_of({fake: notebooks["sin_tocar"][P1]}),
        entry("eva", ON_TIME, "carpeta.zip"): zip_of(
            {f"submitted/ana/{paths.ASSIGNMENT}/{P2}": notebooks["sin_tocar"][P2]}),
    })
    assert inventory["eva"] == [
        "parte1_numpy: NO ENTREGADO: falta parte1_numpy.ipynb",
        "parte2_pytorch: ok",
        f"«entrega.zip»: RECHAZADO: contiene «{fake}», un nombre de entrega del LMS: "
        "dentro de una entrega ningún nombre indica estudiante ni hora",
        "entregado: 2026-12-05 00:00+00:00"]
    # ana's notebooks are hers; the folder path inside carpeta.zip made it eva's Part 2
    assert_honest_collected(lms, notebooks)
    eva = files_of(lms, "eva")
    assert sorted(eva) == [P2, "timestamp.txt"]
    assert eva[P2] == notebooks["sin_tocar"][P2] and eva["timestamp.txt"] == b"2026-12-05 00:00:00+00:00\n"
    assert sorted(p.name for p in (lms / "submitted").iterdir()) == ["ana", "bruno", "eva"]


def test_a_back_dated_copy_cannot_change_the_submission_time(lms, notebooks):
    """teo hands in 4 days late, with an old-named copy of his Part 1 and an old-dated zip member."""
    old_member = zipfile.ZipInfo(P2, date_time=(2026, 12, 1, 9, 0, 0))
    inventory = collect_download(lms, {
        **honest(notebooks),
        entry("teo", FOUR_DAYS, P1): notebooks["perfecto"][P1],
        entry("teo", FOUR_DAYS, "viejo.zip"): zip_of(
            {entry("teo", "2026-12-01-09-00-00", P1): notebooks["perfecto"][P1]}),
        entry("teo", FOUR_DAYS, "parte2.zip"): zip_of({old_member: notebooks["perfecto"][P2]}),
    })
    assert inventory["teo"] == [
        "parte1_numpy: ok", "parte2_pytorch: ok",
        f"«viejo.zip»: RECHAZADO: contiene «{entry('teo', '2026-12-01-09-00-00', P1)}», un nombre "
        "de entrega del LMS: dentro de una entrega ningún nombre indica estudiante ni hora",
        "entregado: 2026-12-08 16:00+00:00"]
    assert (folder(lms, "teo") / "timestamp.txt").read_text() == "2026-12-08 16:00:00+00:00\n"
    when = late.submitted_at(lms, "teo")
    assert late.policy(lms).days_late(when) == 4 and late.policy(lms).factor(when) == pytest.approx(0.6)
    assert (folder(lms, "teo") / P2).read_bytes() == notebooks["perfecto"][P2]
    assert_honest_collected(lms, notebooks)


def test_a_nested_file_that_is_not_a_zip_costs_only_that_upload(lms, notebooks):
    inventory = collect_download(lms, {
        **honest(notebooks),
        entry("rar", ON_TIME, P1): notebooks["perfecto"][P1],
        entry("rar", ON_TIME, "entrega.zip"): b"Rar!\x1a\x07\x00" + os.urandom(2000),
    })
    assert inventory["rar"] == [
        "parte1_numpy: ok", "parte2_pytorch: NO ENTREGADO: falta parte2_pytorch.ipynb",
        "«entrega.zip»: RECHAZADO: no es un archivo zip válido", "entregado: 2026-12-05 00:00+00:00"]
    assert_honest_collected(lms, notebooks)


@pytest.mark.parametrize("name, why", [
    ("../../../parte1_numpy.ipynb", "sube de carpeta con '..'"),
    ("a/../../parte1_numpy.ipynb", "sube de carpeta con '..'"),
    ("/tmp/parte1_numpy.ipynb", "es una ruta absoluta"),
    ("C:/parte1_numpy.ipynb", "es una ruta absoluta"),
    ("\x1b[2Jparte1_numpy.ipynb", "tiene caracteres de control"),
    ("\u202eparte1_numpy.ipynb", "tiene caracteres de control"),
    ("/".join(["d"] * 9) + "/parte1_numpy.ipynb", "tiene más de 8 carpetas"),
])
def test_a_member_name_that_leaves_its_folder_rejects_the_upload_before_extraction(
        lms, notebooks, name, why):
    inventory = collect_download(lms, {
        **honest(notebooks),
        entry("ruta", ON_TIME, "entrega.zip"): zip_of({"parte2_pytorch.ipynb": notebooks["perfecto"][P2],
                                                       name: notebooks["perfecto"][P1]}),
    })
    shown = name.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    assert inventory["ruta"] == [
        "parte1_numpy: NO ENTREGADO: falta parte1_numpy.ipynb",
        "parte2_pytorch: NO ENTREGADO: falta parte2_pytorch.ipynb",
        f"«entrega.zip»: RECHAZADO: el nombre «{shown}» {why}", "entregado: 2026-12-05 00:00+00:00"]
    # nothing of it was written anywhere
    assert sorted(p.name for p in folder(lms, "ruta").iterdir()) == ["timestamp.txt"]
    written = [p for p in lms.rglob(P1) if "submitted" not in p.parts and "source" not in p.parts]
    assert written == [] and not Path("/tmp/parte1_numpy.ipynb").exists()
    assert_honest_collected(lms, notebooks)


def test_too_many_members_rejects_the_upload(lms, notebooks):
    members = {f"relleno/{i}.txt": b"x" for i in range(lms_download.LIMITS.members)}
    inventory = collect_download(lms, {
        **honest(notebooks),
        entry("muchos", ON_TIME, "entrega.zip"): zip_of({P1: notebooks["perfecto"][P1], **members}),
    })
    assert inventory["muchos"][2] == "«entrega.zip»: RECHAZADO: declara 201 archivos (límite 200)"
    assert not (folder(lms, "muchos") / P1).exists()
    assert_honest_collected(lms, notebooks)


def test_other_files_are_not_collected_and_are_named(lms, notebooks):
    inventory = collect_download(lms, {
        **honest(notebooks),
        entry("varios", ON_TIME, "numpy.py"): b"raise SystemExit",
        entry("varios", ON_TIME, "todo.zip"): zip_of({f"lab2/{P1}": notebooks["perfecto"][P1],
                                                      "lab2/numpy.py": b"x", "notas.txt": b"y"}),
    })
    assert inventory["varios"] == [
        "parte1_numpy: ok", "parte2_pytorch: NO ENTREGADO: falta parte2_pytorch.ipynb",
        "«numpy.py»: ignorado (solo se recogen parte1_numpy.ipynb y parte2_pytorch.ipynb, "
        "o un .zip que los contenga)",
        "«todo.zip»: 2 archivo(s) ignorado(s) (solo cuentan parte1_numpy.ipynb y parte2_pytorch.ipynb)",
        "entregado: 2026-12-05 00:00+00:00"]
    assert sorted(p.name for p in folder(lms, "varios").iterdir()) == [
        P1, "timestamp.txt"]


def test_the_collect_lines_stay_with_the_submission_they_describe(lms, notebooks):
    """Kept outside the student's folder; a folder placed by hand later shows none of them."""
    collect_download(lms, {**honest(notebooks), entry("rar", ON_TIME, "entrega.zip"): b"no zip"})
    assert steps.collect_step(lms)["rar"][2] == "«entrega.zip»: RECHAZADO: no es un archivo zip válido"
    (folder(lms, "rar") / "timestamp.txt").write_text("2026-12-05 10:00:00+00:00\n")
    assert steps.collect_step(lms)["rar"] == [
        "parte1_numpy: NO ENTREGADO: falta parte1_numpy.ipynb",
        "parte2_pytorch: NO ENTREGADO: falta parte2_pytorch.ipynb", "entregado: 2026-12-05 10:00+00:00"]


def test_the_per_student_byte_cap_holds_while_extracting(lms, notebooks):
    """With a 300 KB budget, a second copy of the notebooks does not fit: that upload alone is lost."""
    big = notebooks["perfecto"][P1]
    download = lms / "downloaded" / "lms.zip"
    download.parent.mkdir(parents=True)
    download.write_bytes(zip_of({
        entry("cap", ON_TIME, P1): big,
        entry("cap", ON_TIME, "copia.zip"): zip_of({f"a/{P2}": big, f"b/{P2}": big}),
    }))
    limits = lms_download.Limits(student_bytes=len(big) * 2 + 1000)
    found = lms_download.collect_download(lms, download, limits)
    assert found.students["cap"] == [
        f"«copia.zip»: RECHAZADO: «b/{P2}»: la entrega pasa de "
        f"{lms_download.size_text(limits.student_bytes)} en total"]
    assert sorted(p.name for p in folder(lms, "cap").iterdir()) == [
        P1, "timestamp.txt"]


def test_an_unreadable_download_is_refused_whole(lms):
    bad = lms / "downloaded" / "lms.zip"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"PK not really")
    with pytest.raises(lms_download.DownloadError, match="lms.zip: the LMS download no es un archivo zip"):
        steps.collect_step(lms, bad)
    assert not (lms / "submitted").exists()


def test_entries_that_name_no_student_are_listed_not_collected(lms, notebooks):
    inventory = collect_download(lms, {**honest(notebooks), "LEEME.txt": b"hola",
                                       entry("", ON_TIME, P1): notebooks["perfecto"][P1]})
    assert inventory[collect.DOWNLOAD_KEY] == [
        "ignorado «LEEME.txt»: no sigue la regla de nombres del LMS",
        f"ignorado «{entry('', ON_TIME, P1)}»: no sigue la regla de nombres del LMS"]
    assert sorted(p.name for p in (lms / "submitted").iterdir()) == ["ana", "bruno"]


# -- zip bombs ---------------------------------------------------------------------------

BOMB_BYTES = 1100 * 2**20  # what the member really expands to (1.1 GiB of zeros)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A zip of about 1 MB holding ``parte1_numpy.ipynb``: 1.1 GiB of zeros, declared as such."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(P1, "w") as member:
            zeros = bytes(2**20)
            for _ in range(BOMB_BYTES // len(zeros)):
                member.write(zeros)
    return buf.getvalue()


def declaring(archive: bytes, size: int) -> bytes:
    """``archive`` (one member, no zip64) with the member's declared size replaced by ``size``."""
    data = bytearray(archive)
    assert data[:4] == b"PK\x03\x04"
    data[22:26] = size.to_bytes(4, "little")                # local header: uncompressed size
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = size.to_bytes(4, "little")  # central directory entry
    return bytes(data)


def collect_in_child(course: Path, entries: dict[str, bytes], store_zips=True) -> tuple[dict, int]:
    """Collect in a child process: (inventory, the child's peak resident memory in bytes)."""
    download = course / "downloaded" / "lms.zip"
    download.parent.mkdir(parents=True, exist_ok=True)
    download.write_bytes(zip_of(entries, store_zips))
    code = ("import json, sys; from pathlib import Path; from coursetools import course; "
            "print(json.dumps(course.collect_step(Path(sys.argv[1]), Path(sys.argv[2]))))")
    out = course / "child.json"
    with open(out, "w") as fh:
        child = subprocess.Popen([sys.executable, "-c", code, str(course), str(download)],
                                 stdout=fh, cwd=paths.ROOT, env=nbgrader_cli.environment())
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    return json.loads(out.read_text()), usage.ru_maxrss * 1024


def disk_use(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def test_a_zip_bomb_is_refused_before_extraction(lms, notebooks, bomb):
    assert len(bomb) < 2 * 2**20
    inventory, peak = collect_in_child(lms, {**honest(notebooks),
                                             entry("bomba", ON_TIME, "entrega.zip"): bomb})
    assert inventory["bomba"][2] == ("«entrega.zip»: RECHAZADO: «parte1_numpy.ipynb» declara 1.1 GiB "
                                     "descomprimido (límite 64.0 MiB)")
    assert peak < 300 * 2**20
    assert disk_use(lms / "submitted" / "bomba") < 1000
    assert_honest_collected(lms, notebooks)


def test_a_zip_bomb_compressed_again_by_the_lms_is_refused_by_its_ratio(lms, notebooks, bomb):
    name = entry("bomba", ON_TIME, "entrega.zip")
    inventory, peak = collect_in_child(lms, {**honest(notebooks), name: bomb}, False)
    with zipfile.ZipFile(lms / "downloaded" / "lms.zip") as download:
        ratio = len(bomb) // download.getinfo(name).compress_size
    assert ratio > 200
    assert inventory["bomba"][2] == f"«entrega.zip»: RECHAZADO: «{name}» se descomprime {ratio} veces (límite 200)"
    assert peak < 300 * 2**20
    assert disk_use(lms / "submitted" / "bomba") < 1000
    assert_honest_collected(lms, notebooks)


def test_a_zip_bomb_that_declares_a_small_size_is_cut_at_that_size(lms, notebooks, bomb):
    """Declared 60 MiB (ratio and size within the limits), really 1.1 GiB: extraction stops."""
    liar = declaring(bomb, 60 * 2**20)
    inventory, peak = collect_in_child(lms, {**honest(notebooks),
                                             entry("bomba", ON_TIME, "entrega.zip"): liar})
    assert inventory["bomba"][2] == ("«entrega.zip»: RECHAZADO: «parte1_numpy.ipynb»: no se pudo "
                                     "extraer (Bad CRC-32 for file 'parte1_numpy.ipynb')")
    assert peak < 300 * 2**20
    assert disk_use(lms / "submitted" / "bomba") < 1000
    assert disk_use(lms / "downloaded") < 2 * len(liar) + 2 * 2**20  # the download itself only
    assert_honest_collected(lms, notebooks)


# -- nbgrader's own zip_collect --------------------------------------------------------

def test_plain_nbgrader_zip_collect_refuses_and_names_the_course_command(lms, notebooks):
    archive = lms / "downloaded" / paths.ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    (archive / "lms.zip").write_bytes(zip_of(honest(notebooks)))
    done = nbgrader_cli.start(["zip_collect", paths.ASSIGNMENT], lms)
    assert done.returncode == 1
    assert f"use {collect.COURSE_COMMAND}" in done.log
    assert not (lms / "submitted").exists()


# -- the late factor through the pipeline ---------------------------------------------

@pytest.mark.e2e
def test_back_dated_copy_keeps_the_late_factor_in_the_csv(course, notebooks, tmp_path):
    """Through collect, autograde and export: the LMS's 4 days late cost 40 % of perfecto's points
    (every automatic point and the bonus; the written answers wait for formgrader)."""
    student = "ataque_fecha_lms"
    download = tmp_path / "lms.zip"
    download.write_bytes(zip_of({
        entry(student, FOUR_DAYS, P1): notebooks["perfecto"][P1],
        entry(student, FOUR_DAYS, P2): notebooks["perfecto"][P2],
        entry(student, FOUR_DAYS, "viejo.zip"): zip_of(
            {entry(student, "2026-12-01-09-00-00", P1): notebooks["perfecto"][P1]}),
    }))
    try:
        steps.collect_step(course, download)
        outcomes = steps.autograde(course, [student], workers=1, progress=False)
        assert {nb: o.status for nb, o in outcomes[student].items()} == {
            "parte1_numpy": "graded", "parte2_pytorch": "graded"}
        steps.export_step(course)
        with open(course / "exports" / "grades.csv", encoding="utf-8-sig") as fh:
            row = next(r for r in csv.DictReader(fh) if r["estudiante"] == student)
        offer = points.offered().values()
        automatic, bonus = sum(o.automatic for o in offer), sum(o.bonus for o in offer)
        assert (row["entregado"], row["dias_tarde"], row["factor_tarde"], row["puntos"], row["total"]) == \
            ("2026-12-08 10:00-06:00", "4", "0.60", f"{automatic:g}", f"{0.6 * (automatic + bonus):.2f}")
    finally:
        gradebook.forget_students(course, [student])
