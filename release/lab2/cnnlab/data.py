"""Loading the cats-vs-dogs photos in Kaggle's layout.

Layout expected under the dataset folder::

    train/cats/*.jpg   train/dogs/*.jpg   test/cats/*.jpg   test/dogs/*.jpg

Where the folder is looked for, first match wins:

1. the ``path`` argument;
2. the environment variable ``LAB2_DATA``;
3. the first ``data/cats-and-dogs`` found walking up from ``start``
   (default: the current folder, which is the notebook's folder in Jupyter
   and in nbgrader's autograde).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

CLASSES = ("cats", "dogs")  # label 0, label 1
SPLITS = ("train", "test")
ENV_VAR = "LAB2_DATA"
DEFAULT_RELATIVE = Path("data") / "cats-and-dogs"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


class DatasetError(FileNotFoundError):
    """The dataset folder is missing or does not have Kaggle's layout."""


def find_data_dir(path: str | os.PathLike | None = None, start: str | os.PathLike | None = None) -> Path:
    """Return the dataset folder (see the module docstring for the order)."""
    if path is not None:
        root = Path(path).expanduser()
        origin = "el argumento path"
    elif os.environ.get(ENV_VAR):
        root = Path(os.environ[ENV_VAR]).expanduser()
        origin = f"la variable de entorno {ENV_VAR}"
    else:
        here = Path(start or os.getcwd()).resolve()
        for folder in (here, *here.parents):
            candidate = folder / DEFAULT_RELATIVE
            if candidate.is_dir():
                root = candidate
                origin = "la búsqueda hacia arriba"
                break
        else:
            raise DatasetError(
                f"No se encontró la carpeta {DEFAULT_RELATIVE} en {here} ni en sus carpetas "
                f"superiores. Copie los datos del laboratorio ahí, defina {ENV_VAR} o pase "
                f"path=... (dataset folder {DEFAULT_RELATIVE} not found from {here} upwards; "
                f"set {ENV_VAR} or pass path=...)."
            )
    validate_layout(root, origin)
    return root


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def validate_layout(root: Path, origin: str = "") -> None:
    """Raise DatasetError naming the first missing or empty folder."""
    where = f" (indicada por {origin})" if origin else ""
    if not root.is_dir():
        raise DatasetError(
            f"La carpeta de datos {root}{where} no existe (dataset folder does not exist)."
        )
    for split in SPLITS:
        for name in CLASSES:
            folder = root / split / name
            if not folder.is_dir():
                raise DatasetError(
                    f"Falta la carpeta {folder}: se espera la estructura de Kaggle "
                    f"train|test/cats|dogs/*.jpg dentro de {root}{where} "
                    f"(missing folder {split}/{name})."
                )
            if not _images(folder):
                raise DatasetError(
                    f"La carpeta {folder} no tiene imágenes .jpg/.png (folder has no images)."
                )


def load_split(root: Path, split: str, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(m, H, W, 3)`` uint8 and labels ``(m,)`` int64 (cats 0, dogs 1).

    ``size`` is ``(height, width)`` in pixels; files are read in name order.
    """
    from PIL import Image

    images, labels = [], []
    height, width = size
    for label, name in enumerate(CLASSES):
        for file in _images(Path(root) / split / name):
            with Image.open(file) as img:
                rgb = img.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)
                images.append(np.asarray(rgb, dtype=np.uint8))
            labels.append(label)
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def load_dataset(size: tuple[int, int] = (16, 16), path=None, start=None):
    """``(X_train, y_train, X_test, y_test)``: uint8 images ``(m, H, W, 3)``, labels ``(m,)``."""
    root = find_data_dir(path, start)
    X_train, y_train = load_split(root, "train", size)
    X_test, y_test = load_split(root, "test", size)
    return X_train, y_train, X_test, y_test
