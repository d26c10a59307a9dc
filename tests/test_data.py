"""The bundled photos and the data loader (cnnlab.data)."""

import csv
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from cnnlab import data
from coursetools import paths

DOCS = {"LICENSE", "SOURCE.md", "MANIFEST.csv"}


@pytest.mark.parametrize("root", [paths.DATA, paths.RELEASE / "data" / "cats-and-dogs"],
                         ids=["data", "release"])
def test_every_bundled_file_matches_the_manifest(root):
    with open(root / "MANIFEST.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 700
    for row in rows:
        digest = hashlib.sha256((root / row["file"]).read_bytes()).hexdigest()
        assert digest == row["sha256"], row["file"]
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert on_disk == {r["file"] for r in rows} | DOCS
    assert "CDLA-Permissive-2.0" in (root / "LICENSE").read_text() or \
        "Community Data License Agreement" in (root / "LICENSE").read_text()


def make_layout(root: Path, missing=None, empty=None):
    from PIL import Image

    for split in data.SPLITS:
        for name in data.CLASSES:
            if f"{split}/{name}" == missing:
                continue
            folder = root / split / name
            folder.mkdir(parents=True)
            if f"{split}/{name}" == empty:
                continue
            for k in range(2):
                color = (200, 10, 10) if name == "cats" else (10, 10, 200)
                Image.new("RGB", (40, 30), color).save(folder / f"{name}_{k}.jpg")
    return root


def test_loader_gives_nhwc_arrays_and_labels(tmp_path):
    root = make_layout(tmp_path / "d")
    X_train, y_train, X_test, y_test = data.load_dataset(size=(16, 12), path=root)
    assert X_train.shape == (4, 16, 12, 3) and X_train.dtype == np.uint8
    assert y_train.tolist() == [0, 0, 1, 1] and y_test.shape == (4,)
    assert X_train[0, :, :, 0].mean() > 150 and X_train[3, :, :, 2].mean() > 150


def test_bundled_set_loads_with_560_and_140_photos():
    X_train, y_train, X_test, y_test = data.load_dataset(size=(16, 16), path=paths.DATA)
    assert X_train.shape == (560, 16, 16, 3) and X_test.shape == (140, 16, 16, 3)
    assert np.bincount(y_train).tolist() == [280, 280] and np.bincount(y_test).tolist() == [70, 70]


@pytest.mark.parametrize("missing", ["train/cats", "test/dogs"])
def test_loader_names_the_missing_folder(tmp_path, missing):
    root = make_layout(tmp_path / "d", missing=missing)
    with pytest.raises(data.DatasetError, match=missing.replace("/", "/") + ".*"):
        data.find_data_dir(root)


def test_loader_names_an_empty_folder(tmp_path):
    root = make_layout(tmp_path / "d", empty="test/cats")
    with pytest.raises(data.DatasetError, match=r"test/cats.*no tiene imágenes"):
        data.load_dataset(path=root)


def test_missing_root_and_nothing_found_upwards(tmp_path, monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    with pytest.raises(data.DatasetError, match="no existe"):
        data.find_data_dir(tmp_path / "nope")
    with pytest.raises(data.DatasetError, match=r"data/cats-and-dogs.*LAB2_DATA"):
        data.find_data_dir(start=tmp_path)


def test_lookup_order_explicit_then_env_then_walking_up(tmp_path, monkeypatch):
    near = make_layout(tmp_path / "course" / "data" / "cats-and-dogs")
    deep = tmp_path / "course" / "autograded" / "ana" / "lab2"
    deep.mkdir(parents=True)
    other = make_layout(tmp_path / "other")
    explicit = make_layout(tmp_path / "explicit")
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    assert data.find_data_dir(start=deep) == near
    monkeypatch.setenv(data.ENV_VAR, str(other))
    assert data.find_data_dir(start=deep) == other
    assert data.find_data_dir(explicit, start=deep) == explicit


@pytest.mark.parametrize("start, expected", [
    (paths.SOURCE, paths.DATA),
    (paths.RELEASE, paths.RELEASE / "data" / "cats-and-dogs"),
])
def test_notebook_folders_find_the_bundled_photos(start, expected, monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    assert data.find_data_dir(start=start) == expected
