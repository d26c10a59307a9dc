# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Laboratorio 2 — Redes neuronales convolucionales
# ## Parte 2: el mismo trabajo con PyTorch
#
# En la Parte 1 escribimos a mano cada pieza de una red convolucional. Ahora usamos
# PyTorch, que trae esas piezas ya hechas y, sobre todo, calcula los gradientes por sí
# solo (*autograd*). El plan:
#
# 1. **Tensores**: crearlos, su tipo (`dtype`) y el orden de los ejes.
# 2. **El puente con la Parte 1**: la misma convolución y el mismo *pooling* con las
#    funciones de PyTorch, que deben dar **exactamente** los números de la Parte 1.
# 3. **Datos**: las fotos con `ImageFolder`, transformaciones, `DataLoader` y una
#    partición de validación.
# 4. **El modelo**: una CNN como `nn.Module` (y la misma red con `nn.Sequential`).
# 5. **Entrenar y evaluar**: los dos bucles que se repiten en todo proyecto, y dos
#    controles rápidos antes de entrenar.
# 6. **El experimento**: elegir con la validación, entrenar el modelo final, evaluarlo
#    una sola vez en las fotos de prueba, y mirar los errores y lo que aprendió la
#    primera capa.
#
# **Cómo se cuentan los puntos.** Esta parte vale **100 puntos**:
#
# | | puntos |
# |---|---|
# | pruebas visibles (✓/✗ en este notebook) | 62 |
# | pruebas ocultas (se ejecutan al calificar) | 23 |
# | tres preguntas escritas al final (calificación manual, 5 cada una) | 15 |
#
# Cada celda de prueba dice sus puntos y, al ejecutarla, muestra cuántos obtuvo; el
# total visible se acumula en el resumen del final. Las pruebas ocultas revisan los
# mismos ejercicios con otras entradas y sus puntos aparecen solo en la calificación.
# Las celdas que entrenan, dibujan o comparan no dan puntos. Los resultados de un
# entrenamiento cambian con la versión de PyTorch y con el procesador, así que
# **ninguna prueba depende de la exactitud (*accuracy*) que alcance su modelo**: se
# revisa que cada pieza haga lo que debe sobre entradas pequeñas.
#
# **La nota del laboratorio** suma los puntos de las dos partes: 152 de la Parte 1 y
# 100 de esta, 252 en total, llevados a una escala de 0 a 100. El bonus de la Parte 1
# (10 puntos extra) compensa puntos perdidos en cualquiera de las dos partes, sin pasar
# de 100; la penalización por entrega tardía se aplica al final.
#
# *Créditos: el contenido sigue el curso original de este laboratorio; los textos,
# el código y las figuras son propios.*

# %% tipo="fijo" id="p2_setup"
import os

import numpy as np
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

import cnnlab
from cnnlab.checks import check_array, check_scalar
from cnnlab.data import find_data_dir
from cnnlab.marks import marks, puntos_de_la_celda, resumen, reiniciar

cnnlab.require_version("1.1.0")
reiniciar()
# %matplotlib inline

EVALUANDO = bool(os.environ.get("NBGRADER_EXECUTION"))  # nbgrader lo define al calificar
seed_ = 2023
np.random.seed(seed_)
torch.manual_seed(seed_)
DATA_DIR = find_data_dir()
print("PyTorch", torch.__version__, "| datos en", DATA_DIR)

# %% [markdown]
# ## Ejercicio 1 — Tensores
#
# Un **tensor** de PyTorch es un array de varios ejes, como los de NumPy, con dos
# capacidades extra: puede vivir en una GPU y puede **recordar las operaciones** que
# lo produjeron para calcular gradientes automáticamente.
#
# - `torch.from_numpy(x)` crea un tensor que **comparte memoria** con el array `x`;
#   `torch.tensor(x)` hace una copia. `.numpy()` vuelve a NumPy.
# - Cada tensor tiene un `dtype`. NumPy usa `float64` por omisión; las redes de
#   PyTorch usan `float32` (la mitad de memoria, bastante precisión para entrenar).
#   `x.float()` y `x.double()` convierten.
# - **El orden de los ejes.** En la Parte 1 un lote de imágenes era
#   `(m, n_H, n_W, n_C)`: *NHWC*. PyTorch espera `(m, n_C, n_H, n_W)`: *NCHW*.
#   `x.permute(0, 3, 1, 2)` reordena los ejes (el eje 3 pasa a ser el 1, ...).
#   **No use `reshape` para esto**: `reshape` conserva el orden de los números en
#   memoria y solo cambia cómo se agrupan, así que mezclaría píxeles y canales.
#
# **Autograd.** Si un tensor se crea con `requires_grad=True`, PyTorch registra las
# operaciones que se le aplican. Al llamar `y.backward()` sobre un resultado escalar
# `y`, deja en `x.grad` la derivada de `y` respecto de cada elemento de `x`.
#
# **Ejercicio.** Implemente las cuatro funciones.

# %% tipo="solucion" id="p2_e1_solution_to_tensor"
def to_tensor(x):
    """Array de NumPy (cualquier dtype numérico) -> tensor float32 con la misma forma y valores."""
    ### BEGIN SOLUTION
    return torch.as_tensor(np.asarray(x)).float()
    ### END SOLUTION


# %% tipo="solucion" id="p2_e1_solution_nhwc_to_nchw"
def nhwc_to_nchw(x):
    """Tensor (m, n_H, n_W, n_C) -> tensor (m, n_C, n_H, n_W), con permute."""
    ### BEGIN SOLUTION
    return x.permute(0, 3, 1, 2)
    ### END SOLUTION


# %% tipo="solucion" id="p2_e1_solution_nchw_to_nhwc"
def nchw_to_nhwc(x):
    """Tensor (m, n_C, n_H, n_W) -> tensor (m, n_H, n_W, n_C), con permute."""
    ### BEGIN SOLUTION
    return x.permute(0, 2, 3, 1)
    ### END SOLUTION


# %% tipo="solucion" id="p2_e1_solution_autograd"
def autograd_gradient(f, x):
    """Gradiente de una función escalar f en el punto x, calculado con autograd.

    f -- función que recibe un tensor float64 y devuelve un tensor escalar
    x -- array de NumPy (float64)
    Devuelve un array de NumPy float64 con la forma de x: df/dx.
    """
    ### BEGIN SOLUTION
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    f(t).backward()
    return t.grad.numpy()
    ### END SOLUTION

# %% tipo="prueba" id="p2_e1_visible" puntos=10
np.random.seed(seed_)
x_np = np.random.randn(2, 5, 4, 3)
with marks(2, "e1_to_tensor", pista="Use torch.from_numpy o torch.tensor y convierta con .float()."):
    t = to_tensor(x_np)
    print("tipo:", type(t).__name__, "| dtype:", t.dtype, "| forma:", tuple(t.shape))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32, "se esperaba un tensor float32"
    assert np.allclose(t.numpy(), x_np, rtol=1e-6, atol=1e-7), "los valores cambiaron"
with marks(2, "e1_nhwc_to_nchw", pista="permute(0, 3, 1, 2): el eje de canales pasa al lugar 1."):
    check_array(nhwc_to_nchw(torch.from_numpy(x_np)).numpy(), "fp1:2x3x5x4:n:107173567e0.07426738d49.0e35c4d3d25.14016d20b52.1fd6714661d", "nhwc_to_nchw(x)")
with marks(2, "e1_nchw_to_nhwc", pista="Es la permutación inversa de la anterior."):
    check_array(nchw_to_nhwc(torch.from_numpy(x_np)).numpy(), "fp1:2x4x3x5:n:1e8205992db.0785a5fde54.1b9c2daaa7f.132f4ee5ba4.0deeaa0c886", "nchw_to_nhwc(x)")
puntos_x = np.linspace(-2.0, 2.0, 7)
with marks(4, "e1_autograd", pista="Cree el tensor con requires_grad=True, llame backward() y lea .grad."):
    g = autograd_gradient(lambda t: torch.sum(t ** 3 - 2 * t * torch.sin(t)), puntos_x.copy())
    analitica = 3 * puntos_x ** 2 - 2 * np.sin(puntos_x) - 2 * puntos_x * np.cos(puntos_x)
    print("autograd:", np.round(g, 4))
    print("a mano:  ", np.round(analitica, 4))
    assert type(g) is np.ndarray and g.shape == puntos_x.shape, "devuelva un array de NumPy"
    assert np.allclose(g, analitica, rtol=1e-10, atol=1e-12), "no coincide con la derivada analítica"
puntos_de_la_celda()

# %% tipo="prueba" id="p2_e1_hidden" puntos=4
# Prueba oculta: enteros a float32, ida y vuelta de los ejes, otra función y x sin modificar.
### BEGIN HIDDEN TESTS
_x_int = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
with marks(1, "e1_oculta_enteros", oculta=True):
    _t = to_tensor(_x_int)
    assert _t.dtype == torch.float32 and np.array_equal(_t.numpy(), _x_int.astype(np.float32))
with marks(1, "e1_oculta_ida_y_vuelta", oculta=True):
    _y = torch.from_numpy(np.random.RandomState(1).randn(3, 2, 6, 5))
    assert torch.equal(nchw_to_nhwc(nhwc_to_nchw(_y)), _y)
    assert tuple(nhwc_to_nchw(_y).shape) == (3, 5, 2, 6)
    assert torch.equal(nhwc_to_nchw(_y), _y.permute(0, 3, 1, 2)), "reordene los ejes con permute, no con reshape"
_x0 = np.array([[0.5, -1.0], [2.0, 0.25]])
with marks(2, "e1_oculta_autograd", oculta=True):
    _g = autograd_gradient(lambda t: torch.exp(t).sum() + (t ** 2).prod(), _x0.copy())
    _p = np.prod(_x0 ** 2)
    _analitica = np.exp(_x0) + 2 * _p / _x0
    assert np.allclose(_g, _analitica, rtol=1e-10)
    assert np.array_equal(_x0, np.array([[0.5, -1.0], [2.0, 0.25]]))
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 2 — El puente con la Parte 1
#
# `torch.nn.functional.conv2d(x, w, b, stride, padding)` hace la convolución de la
# Parte 1 de una vez; su argumento `padding` es el relleno (*padding*) con ceros que en
# la Parte 1 indicaba `hparameters["pad"]`. Cambia el formato de tres cosas:
#
# | | Parte 1 (NumPy) | PyTorch |
# |---|---|---|
# | entrada | `A_prev (m, n_H, n_W, n_C_prev)` | `x (m, n_C_prev, n_H, n_W)` |
# | filtros | `W (f, f, n_C_prev, n_C)` | `w (n_C, n_C_prev, f, f)` |
# | sesgos | `b (1, 1, 1, n_C)` | `b (n_C,)` |
#
# Así que hay que permutar la entrada (`(0, 3, 1, 2)`), **permutar** los filtros
# (`(3, 2, 0, 1)`: el eje de filtros primero, luego el de canales de entrada, luego
# alto y ancho), aplanar los sesgos y, al final, devolver la salida a NHWC. Para el
# *pooling* están `F.max_pool2d(x, kernel_size, stride)` y `F.avg_pool2d(...)`.
#
# El paso hacia atrás ya no se escribe a mano: se crean tensores hoja con
# `requires_grad=True` a partir de `A_prev`, `W` y `b`, se repite el paso hacia
# adelante y se llama `Z.backward(dZ)`, que calcula los gradientes del producto
# escalar de `Z` con `dZ`, justo lo que devolvía `conv_backward`. Si las hojas se
# crean en el formato de la Parte 1 (NHWC, `(f, f, C_in, C_out)`), sus `.grad`
# salen ya en ese formato.
#
# **Ejercicio.** Implemente las tres funciones con las firmas de la Parte 1. Trabaje
# en `float64` (los arrays de NumPy ya lo son) para reproducir sus números. No
# importe nada de la Parte 1.

# %% tipo="solucion" id="p2_e2_solution_conv_forward"
def conv_forward_torch(A_prev, W, b, hparameters):
    """conv_forward de la Parte 1 con F.conv2d.

    A_prev (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C): NumPy.
    Devuelve Z (m, n_H, n_W, n_C) como array de NumPy y cache = (A_prev, W, b, hparameters).
    """
    ### BEGIN SOLUTION
    x = torch.from_numpy(A_prev).permute(0, 3, 1, 2)
    w = torch.from_numpy(W).permute(3, 2, 0, 1)
    z = F.conv2d(x, w, torch.from_numpy(b.reshape(-1)),
                 stride=hparameters["stride"], padding=hparameters["pad"])
    Z = z.permute(0, 2, 3, 1).numpy()
    ### END SOLUTION
    return Z, (A_prev, W, b, hparameters)


# %% tipo="solucion" id="p2_e2_solution_pool_forward"
def pool_forward_torch(A_prev, hparameters, mode="max"):
    """pool_forward de la Parte 1 con F.max_pool2d / F.avg_pool2d.

    A_prev (m, n_H_prev, n_W_prev, n_C) NumPy; hparameters con "f" y "stride".
    Devuelve A (m, n_H, n_W, n_C) como array de NumPy y cache = (A_prev, hparameters).
    """
    ### BEGIN SOLUTION
    x = torch.from_numpy(A_prev).permute(0, 3, 1, 2)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    a = pool(x, kernel_size=hparameters["f"], stride=hparameters["stride"])
    A = a.permute(0, 2, 3, 1).numpy()
    ### END SOLUTION
    return A, (A_prev, hparameters)


# %% tipo="solucion" id="p2_e2_solution_conv_backward"
def conv_backward_torch(dZ, cache):
    """conv_backward de la Parte 1 con autograd.

    dZ (m, n_H, n_W, n_C) NumPy; cache = (A_prev, W, b, hparameters) de conv_forward_torch.
    Devuelve dA_prev, dW, db como arrays de NumPy con las formas de A_prev, W y b.
    """
    ### BEGIN SOLUTION
    A_prev, W, b, hparameters = cache
    a = torch.tensor(A_prev, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    bias = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    z = F.conv2d(a.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), bias.reshape(-1),
                 stride=hparameters["stride"], padding=hparameters["pad"])
    z.backward(torch.from_numpy(dZ).permute(0, 3, 1, 2))
    dA_prev, dW, db = a.grad.numpy(), w.grad.numpy(), bias.grad.numpy()
    ### END SOLUTION
    return dA_prev, dW, db

# %% tipo="prueba" id="p2_e2_visible" puntos=20
# Las mismas entradas que los ejercicios 3, 4 y 5 de la Parte 1: deben salir los mismos números.
# El paso hacia atrás recibe un cache y un dZ construidos aquí (no los de su
# conv_forward_torch), así que solo depende de su conv_backward_torch.
np.random.seed(seed_)
A_prev = np.random.randn(10, 7, 7, 5)
W = np.random.randn(3, 3, 5, 8)
b = np.random.randn(1, 1, 1, 8)
dZ = np.random.randn(10, 7, 7, 8)
hparameters = {"pad": 1, "stride": 1}
with marks(5, "e2_conv_forward", pista="Permute entrada (0,3,1,2) y filtros (3,2,0,1); aplane b; vuelva a NHWC."):
    Z, _ = conv_forward_torch(A_prev.copy(), W.copy(), b.copy(), dict(hparameters))
    print("media de Z =", np.mean(Z))
    print("Z[3,2,1] =\n", Z[3, 2, 1])
    check_array(Z, "fp1:10x7x7x8:n:05fc655495e.111e8185cc2.1c0632668e5.1deb031ab63.0a72831d150", "Z")
    check_scalar(float(np.mean(Z)), "fp1::n:13ea1592905.04c9dd46e48.18a62de619e.154a66b9e4c.0744879420f", "np.mean(Z)")
with marks(6, "e2_conv_backward", pista="Hojas con requires_grad=True en formato NHWC; Z.backward(dZ)."):
    dA, dW, db = conv_backward_torch(dZ.copy(), (A_prev.copy(), W.copy(), b.copy(), dict(hparameters)))
    print("media de dA =", np.mean(dA), "| media de dW =", np.mean(dW), "| media de db =", np.mean(db))
    check_array(dA, "fp1:10x7x7x5:n:1f34a08e8ce.051ff4a15b4.17238b58ea8.0ed2070c7d8.16ece3e21b8", "dA")
    check_array(dW, "fp1:3x3x5x8:n:1610daacebe.0714c04a1fc.1ccb0b994c3.00b625b31e0.0b07bfdfa7d", "dW")
    check_array(db, "fp1:1x1x1x8:n:11aa67e4ce7.085984381ed.068d61b45fd.0e5fe33a2fa.1865f0f2645", "db")
np.random.seed(seed_)
A_pool = np.random.randn(2, 5, 5, 3)
with marks(2, "e2_pool_max", pista="F.max_pool2d(x, kernel_size=f, stride=stride) sobre NCHW."):
    A, _ = pool_forward_torch(A_pool, {"stride": 1, "f": 3})
    check_array(A, "fp1:2x3x3x3:n:18f36e8ffbb.0db6abe5aeb.13c30b67bb0.1dbc791dae5.1f97c1887e1", "A (max)")
with marks(2, "e2_pool_average", pista="F.avg_pool2d para mode='average'."):
    A, _ = pool_forward_torch(A_pool, {"stride": 1, "f": 3}, mode="average")
    check_array(A, "fp1:2x3x3x3:n:1fd3f066d86.094ed9b0caf.10b311ad846.14e1179a5c5.18124e99ea8", "A (average)")
with marks(5, "e2_mismos_numeros", pista="Trabaje en float64 para reproducir la Parte 1."):
    assert Z.dtype == np.float64 and dA.dtype == np.float64, "los resultados deben ser float64"
    assert type(Z) is np.ndarray and type(dW) is np.ndarray, "devuelva arrays de NumPy, no tensores"
    assert dW.shape == W.shape and db.shape == (1, 1, 1, 8), "dW y db deben tener las formas de W y b"
    # L = sum(dZ · (Z - b)) es lineal en A_prev y en W: sum(dA·A_prev) = sum(dW·W) = L.
    producto = float(np.sum(dW * W))
    assert abs(producto) > 1.0, "dW es (casi) cero: el gradiente no se calculó"
    assert np.isclose(float(np.sum(dA * A_prev)), producto, rtol=1e-9), \
        "dA y dW no son los gradientes de una misma convolución"
puntos_de_la_celda()

# %% tipo="prueba" id="p2_e2_hidden_stride2" puntos=4
# Prueba oculta: stride 2, pad 0 y ventanas de 2x2, en imágenes no cuadradas.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(301)
_A, _W, _b = _rs.randn(2, 9, 7, 3), _rs.randn(3, 3, 3, 4), _rs.randn(1, 1, 1, 4)
with marks(2, "e2_oculta_conv_stride2", oculta=True):
    check_array(conv_forward_torch(_A, _W, _b, {"stride": 2, "pad": 0})[0], "fp1:2x4x3x4:n:1f7776cf0ca.1ea13073d3f.146c3724c6d.15f89b31f72.09883eb12ea", "Z")
_P = _rs.randn(2, 6, 5, 3)
with marks(1, "e2_oculta_pool_max_stride2", oculta=True):
    check_array(pool_forward_torch(_P, {"f": 2, "stride": 2})[0], "fp1:2x3x2x3:n:03b22463f9b.11d77b8fe0a.182db70915f.0a0e2c202fc.13f2dc7b5d4", "A")
with marks(1, "e2_oculta_pool_average_stride2", oculta=True):
    check_array(pool_forward_torch(_P, {"f": 2, "stride": 2}, mode="average")[0], "fp1:2x3x2x3:n:014e0f3a606.0f422aefaea.0c46c706af2.17308093e75.024bd166568", "A")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p2_e2_hidden_backward" puntos=4
# Prueba oculta: el paso hacia atrás con pad 0 y con stride 2.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(501)
_A, _W, _b = _rs.randn(2, 5, 4, 3), _rs.randn(3, 3, 3, 2), _rs.randn(1, 1, 1, 2)
_dZ = _rs.randn(2, 3, 2, 2)
with marks(2, "e2_oculta_backward_pad0", oculta=True):
    _g = conv_backward_torch(_dZ, (_A, _W, _b, {"stride": 1, "pad": 0}))
    check_array(_g[0], "fp1:2x5x4x3:n:0def57395c7.0e763e8b485.0338fe20eff.144f40f0b3f.04a99f1d1a0", "dA_prev")
    check_array(_g[1], "fp1:3x3x3x2:n:08373f89f9d.0bba37a4a8e.038157b5608.12a93376d46.19d9cbe84f7", "dW")
    check_array(_g[2], "fp1:1x1x1x2:n:1fa91cee286.04f0a5759a5.1cc93a9c698.0aa8578afc1.1d020e1c09d", "db")
_rs = np.random.RandomState(502)
_A, _W, _b = _rs.randn(2, 7, 6, 3), _rs.randn(3, 3, 3, 4), _rs.randn(1, 1, 1, 4)
_dZ = _rs.randn(2, 4, 3, 4)
with marks(2, "e2_oculta_backward_stride2", oculta=True):
    _g = conv_backward_torch(_dZ, (_A, _W, _b, {"stride": 2, "pad": 1}))
    check_array(_g[0], "fp1:2x7x6x3:n:08b050929d9.13571b21358.1bb962db2e1.03d015e9a3a.0beda133dcb", "dA_prev")
    check_array(_g[1], "fp1:3x3x3x4:n:1295e6dc961.19dd2aad380.040126c6276.02af0f1e0f4.1f2f587676e", "dW")
    check_array(_g[2], "fp1:1x1x1x4:n:152d0c93bbc.15dd69b4a13.00b3846238e.150c6404fef.04838b7edde", "db")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 3 — Los datos con `ImageFolder` y `DataLoader`
#
# `torchvision.datasets.ImageFolder(carpeta, transform)` recorre una carpeta con una
# subcarpeta por clase, asigna a cada clase un número en orden alfabético (aquí
# `cats` → 0, `dogs` → 1) y, al pedirle el elemento `i`, abre la foto y le aplica
# `transform`. Un `DataLoader` agrupa los elementos en lotes y, con `shuffle=True`,
# los baraja en cada época.
#
# Las transformaciones se encadenan con `transforms.Compose([...])`:
#
# - **prueba** (siempre igual): `Resize((size, size))`, `ToTensor()` (pasa la foto a
#   un tensor float32 `(3, size, size)` con valores en [0, 1]) y
#   `Normalize(MEAN, STD)` con `MEAN = STD = (0.5, 0.5, 0.5)`, que lleva los valores a [-1, 1];
# - **entrenamiento** (aumento de datos: cada época ve versiones algo distintas de
#   cada foto): `RandomResizedCrop(size, scale=(0.6, 1.0))`, `RandomHorizontalFlip()`,
#   y luego `ToTensor()` y `Normalize(MEAN, STD)`. `RandomResizedCrop` elige al azar
#   un rectángulo cuya **área** está entre el 60 % y el 100 % del área de la foto y
#   cuya proporción ancho/alto también varía al azar (por omisión entre 3/4 y 4/3), y
#   lo lleva a `size × size`: cada vista muestra un trozo distinto, algo estirado o
#   comprimido.
#
# **Una partición de validación.** Para decidir cuántas épocas entrenar, qué tasa de
# aprendizaje usar o si una receta es mejor que otra, hace falta medir el modelo en
# fotos que no usó para aprender. Esas fotos **no pueden ser las de prueba**: en el
# ejercicio 6 verá por qué. Se apartan de las fotos de entrenamiento:
# `split_train_val(labels, val_fraction, seed)` reparte los índices `0, 1, ..., m - 1`
# en entrenamiento y validación, **estratificado** (de cada clase va a validación la
# misma fracción, así que ambas partes conservan la proporción de gatos y perros) y
# **reproducible** (la misma semilla da siempre la misma partición). Use
# `np.random.RandomState(seed)` para elegir al azar dentro de cada clase.
#
# **Ejercicio.** Implemente `make_transforms`, `make_loaders` y `split_train_val`.

# %% tipo="fijo" id="p2_e3_constants"
IMAGE_SIZE = 64
MEAN = (0.5, 0.5, 0.5)
STD = (0.5, 0.5, 0.5)

# %% tipo="solucion" id="p2_e3_solution_transforms"
def make_transforms(train, size=IMAGE_SIZE):
    """transforms.Compose para entrenamiento (train=True, con aumento) o prueba (train=False)."""
    ### BEGIN SOLUTION
    if train:
        steps = [transforms.RandomResizedCrop(size, scale=(0.6, 1.0)),
                 transforms.RandomHorizontalFlip()]
    else:
        steps = [transforms.Resize((size, size))]
    return transforms.Compose(steps + [transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    ### END SOLUTION


# %% tipo="solucion" id="p2_e3_solution_loaders"
def make_loaders(data_dir, size=IMAGE_SIZE, batch_size=32):
    """DataLoaders de entrenamiento (barajado) y de prueba (en orden) sobre data_dir/train y data_dir/test.

    Devuelve (train_loader, test_loader); sus .dataset son ImageFolder.
    """
    ### BEGIN SOLUTION
    train_set = datasets.ImageFolder(os.path.join(data_dir, "train"), make_transforms(True, size))
    test_set = datasets.ImageFolder(os.path.join(data_dir, "test"), make_transforms(False, size))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader
    ### END SOLUTION

# %% tipo="solucion" id="p2_e3_solution_split"
def split_train_val(labels, val_fraction=0.2, seed=0):
    """Partición estratificada y reproducible de las fotos de entrenamiento.

    labels -- etiquetas enteras de las m fotos (lista, array o tensor); no se modifican.
    De cada clase con n_c fotos van a validación round(val_fraction * n_c), elegidas al
    azar con np.random.RandomState(seed); el resto, a entrenamiento.
    Devuelve (train_idx, val_idx): arrays de NumPy int64 en orden creciente, sin
    elementos en común, que juntos contienen 0, 1, ..., m - 1.
    """
    ### BEGIN SOLUTION
    y = np.asarray(labels)
    rs = np.random.RandomState(seed)
    val = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        val.extend(rs.choice(members, size=int(round(val_fraction * len(members))), replace=False))
    val_idx = np.sort(np.asarray(val, dtype=np.int64))
    train_idx = np.setdiff1d(np.arange(len(y)), val_idx).astype(np.int64)
    return train_idx, val_idx
    ### END SOLUTION

# %% tipo="prueba" id="p2_e3_visible" puntos=10
from PIL import Image

from cnnlab.data import load_split

fotos_prueba, etiquetas_prueba = load_split(DATA_DIR, "test", (32, 32))  # las fotos de prueba, en orden


def es_la_foto(t, foto):
    """Si el tensor t (3, H, W) es la foto (H, W, 3) salvo una escala y un desplazamiento de sus valores."""
    a = np.asarray(t, dtype=np.float64).transpose(1, 2, 0).ravel()
    b = np.asarray(foto, dtype=np.float64).ravel()
    return a.shape == b.shape and a.std() > 0 and np.corrcoef(a, b)[0, 1] > 0.99


def foto_rampa(alto=60, ancho=80):
    """Foto sintética: el rojo crece de izquierda a derecha, el verde de arriba abajo, el azul vale 64."""
    rojo = np.tile(np.linspace(0, 255, ancho), (alto, 1))
    verde = np.tile(np.linspace(0, 255, alto)[:, None], (1, ancho))
    azul = np.full((alto, ancho), 64.0)
    return Image.fromarray(np.stack([rojo, verde, azul], axis=2).round().astype(np.uint8))


def sentido_del_rojo(t):
    """+1 si el rojo de t (3, H, W) crece hacia la derecha, -1 si hacia la izquierda."""
    return float(np.sign(np.mean(np.diff(np.asarray(t, dtype=np.float64)[0], axis=1))))


with marks(2, "e3_clases", pista="ImageFolder sobre data_dir/train y data_dir/test."):
    train_loader, test_loader = make_loaders(DATA_DIR, size=32, batch_size=16)
    print("clases:", train_loader.dataset.class_to_idx)
    print("fotos:", len(train_loader.dataset), "de entrenamiento,", len(test_loader.dataset), "de prueba")
    assert train_loader.dataset.class_to_idx == {"cats": 0, "dogs": 1}
    assert test_loader.dataset.class_to_idx == {"cats": 0, "dogs": 1}
    assert (len(train_loader.dataset), len(test_loader.dataset)) == (560, 140)
    for i in (0, 69, 70, 139):
        foto_i, etiqueta_i = test_loader.dataset[i]
        assert int(etiqueta_i) == etiquetas_prueba[i] and es_la_foto(foto_i, fotos_prueba[i]), \
            "test_loader.dataset no devuelve las fotos de data_dir/test con su etiqueta"
with marks(2, "e3_lote", pista="DataLoader(..., batch_size=batch_size); ToTensor da float32 (C, H, W)."):
    x, y = next(iter(test_loader))
    print("lote:", tuple(x.shape), x.dtype, "| etiquetas:", y[:8].tolist())
    assert tuple(x.shape) == (16, 3, 32, 32) and x.dtype == torch.float32
    assert y.dtype == torch.int64 and tuple(y.shape) == (16,)
    assert y.tolist() == etiquetas_prueba[:16].tolist() and all(es_la_foto(x[k], fotos_prueba[k]) for k in range(16)), \
        "el primer lote de prueba no son las primeras 16 fotos, en orden"
with marks(3, "e3_prueba_normalizada", pista="Prueba: Resize((size, size)), ToTensor(), Normalize(MEAN, STD), sin azar."):
    referencia = (fotos_prueba[:16] / 255.0 - 0.5) / 0.5
    assert np.allclose(x.numpy(), referencia.transpose(0, 3, 1, 2), atol=1e-5), \
        "el primer lote de prueba no es la foto reducida y normalizada, en orden"
with marks(3, "e3_entrenamiento_aumentado", pista="Entrenamiento: RandomResizedCrop, RandomHorizontalFlip, ToTensor, Normalize."):
    foto, _ = datasets.ImageFolder(os.path.join(DATA_DIR, "train"))[0]
    t_train = make_transforms(True, size=48)
    torch.manual_seed(0)
    salidas = [t_train(foto) for _ in range(4)]
    assert all(tuple(s.shape) == (3, 48, 48) and s.dtype == torch.float32 for s in salidas)
    assert all(s.min() >= -1.0 - 1e-6 and s.max() <= 1.0 + 1e-6 for s in salidas), "valores fuera de [-1, 1]"
    assert not torch.equal(salidas[0], salidas[1]), "el aumento de datos debería variar cada vez"
    # En una foto sintética: el azul constante sigue constante, el verde sigue creciendo hacia
    # abajo, el rojo crece hacia la derecha en unas vistas y hacia la izquierda en otras
    # (volteo), y cada vista ve un trozo distinto (recorte).
    vistas = [t_train(foto_rampa()) for _ in range(12)]
    assert all(np.allclose(np.asarray(v)[2], (64 / 255 - 0.5) / 0.5, atol=0.02) for v in vistas), \
        "una foto de color constante debería seguir constante (ToTensor y Normalize)"
    assert all(np.mean(np.diff(np.asarray(v)[1], axis=0)) > 0 for v in vistas), "no voltee verticalmente"
    assert {sentido_del_rojo(v) for v in vistas} == {-1.0, 1.0}, "falta el volteo horizontal al azar"
    rangos = [round(float(np.ptp(np.asarray(v)[0])), 4) for v in vistas]
    assert min(rangos) > 0.8 and len(set(rangos)) > 1, "falta el recorte al azar (del 60 al 100 % del área de la foto)"
puntos_de_la_celda()

# %% tipo="prueba" id="p2_e3_visible_split" puntos=2
etiquetas_entrenamiento = datasets.ImageFolder(os.path.join(DATA_DIR, "train")).targets  # 280 gatos y 280 perros
copia_etiquetas = list(etiquetas_entrenamiento)


def es_particion(a, b, m):
    """Si a y b son arrays int crecientes, sin elementos comunes, que juntos son 0..m-1."""
    assert type(a) is np.ndarray and type(b) is np.ndarray, "devuelva dos arrays de NumPy"
    assert a.dtype.kind in "iu" and b.dtype.kind in "iu", "los índices deben ser enteros"
    assert np.all(np.diff(a) > 0) and np.all(np.diff(b) > 0), "ordene los índices de forma creciente"
    assert np.array_equal(np.sort(np.concatenate([a, b])), np.arange(m)), \
        "entre las dos partes debe estar cada índice 0..m-1 exactamente una vez"


with marks(1, "e3_particion_estratificada", pista="De cada clase, round(val_fraction · n_c) índices a validación; el resto a entrenamiento."):
    idx_train, idx_val = split_train_val(etiquetas_entrenamiento, 0.2, seed=0)
    print("entrenamiento:", len(idx_train), "fotos | validación:", len(idx_val), "fotos")
    es_particion(idx_train, idx_val, 560)
    clases_val = np.asarray(etiquetas_entrenamiento)[idx_val]
    print("en validación:", int(np.sum(clases_val == 0)), "gatos y", int(np.sum(clases_val == 1)), "perros")
    assert np.sum(clases_val == 0) == np.sum(clases_val == 1) == 56, "de cada clase debe ir el 20 % (56 fotos)"
with marks(1, "e3_particion_al_azar", pista="Elija al azar dentro de cada clase con np.random.RandomState(seed)."):
    assert etiquetas_entrenamiento == copia_etiquetas, "no modifique las etiquetas"
    assert np.sum(np.asarray(etiquetas_entrenamiento)[idx_val] == 0) == 56, "la partición no es estratificada"
    otra_vez = split_train_val(etiquetas_entrenamiento, 0.2, seed=0)[1]
    assert np.array_equal(otra_vez, idx_val), "la misma semilla debe dar la misma partición"
    assert not np.array_equal(split_train_val(etiquetas_entrenamiento, 0.2, seed=1)[1], idx_val), \
        "otra semilla debería dar otra partición"
    primeras = np.concatenate([np.arange(56), 280 + np.arange(56)])
    assert not np.array_equal(idx_val, primeras), "elija las fotos de validación al azar, no las primeras"
puntos_de_la_celda()

# %% tipo="prueba" id="p2_e3_hidden_split" puntos=2
# Prueba oculta: tres clases de tamaños distintos y desordenadas, otra fracción y otras semillas.
### BEGIN HIDDEN TESTS
_etq = np.random.RandomState(61).permutation(np.repeat([0, 1, 2], [10, 7, 13]))
_copia = _etq.copy()
with marks(1, "e3_oculta_particion_redondeo", oculta=True):
    _a, _b = split_train_val(_etq, 0.3, seed=5)
    es_particion(_a, _b, 30)
    assert [int(np.sum(_etq[_b] == c)) for c in (0, 1, 2)] == [3, 2, 4]
    assert np.array_equal(_etq, _copia)
with marks(1, "e3_oculta_particion_semillas", oculta=True):
    _vals = [split_train_val(list(etiquetas_entrenamiento), 0.5, seed=s)[1] for s in (3, 4, 3)]
    es_particion(split_train_val(list(etiquetas_entrenamiento), 0.5, seed=3)[0], _vals[0], 560)
    assert [int(np.sum(np.asarray(etiquetas_entrenamiento)[_v] == 1)) for _v in _vals] == [140] * 3
    assert np.array_equal(_vals[0], _vals[2]) and not np.array_equal(_vals[0], _vals[1])
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p2_e3_hidden" puntos=3
# Prueba oculta: el cargador de entrenamiento baraja, el de prueba no, y el tamaño por omisión.
### BEGIN HIDDEN TESTS
with marks(1, "e3_oculta_baraja", oculta=True):
    _tr, _te = make_loaders(DATA_DIR, size=16, batch_size=70)
    torch.manual_seed(1)
    _y1 = next(iter(_tr))[1]
    assert 0 < int(_y1.sum()) < 70, "el entrenamiento debe barajarse (shuffle=True)"
    assert next(iter(_te))[1].sum() == 0 and len(_te.dataset) == 140, "la prueba va en orden"
    _fotos16 = load_split(DATA_DIR, "test", (16, 16))[0]
    _x_te = next(iter(_te))[0]
    assert all(es_la_foto(_x_te[k], _fotos16[k]) for k in (0, 35, 69)), "la prueba no son las fotos"
with marks(1, "e3_oculta_tamano", oculta=True):
    _x = make_transforms(False)(datasets.ImageFolder(os.path.join(DATA_DIR, "test"))[0][0])
    assert tuple(_x.shape) == (3, IMAGE_SIZE, IMAGE_SIZE)
    assert es_la_foto(_x, load_split(DATA_DIR, "test", (IMAGE_SIZE, IMAGE_SIZE))[0][0])
with marks(1, "e3_oculta_volteo", oculta=True):
    _foto = datasets.ImageFolder(os.path.join(DATA_DIR, "train"))[3][0]
    _t = make_transforms(True, size=40)
    _flips = [type(s).__name__ for s in _t.transforms]
    assert "RandomHorizontalFlip" in _flips and "RandomResizedCrop" in _flips
    assert "Normalize" in _flips and "ToTensor" in _flips
    torch.manual_seed(3)
    _vistas = [np.asarray(_t(foto_rampa(50, 70))) for _ in range(12)]
    assert all(np.allclose(_v[2], (64 / 255 - 0.5) / 0.5, atol=0.02) for _v in _vistas)
    assert {sentido_del_rojo(_v) for _v in _vistas} == {-1.0, 1.0}
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 4 — El modelo
#
# En PyTorch una red es una clase que hereda de `nn.Module`: en `__init__` se crean
# las capas (así PyTorch encuentra sus parámetros) y en `forward` se dice cómo pasan
# los datos. La red de este laboratorio repite cuatro veces el mismo **bloque** y
# termina con un clasificador:
#
# ```
# bloque(c_in, c_out) = Conv2d(c_in, c_out, 3, padding=1, bias=False)
#                       → BatchNorm2d(c_out) → ReLU → MaxPool2d(2)
#
# CatDogCNN:  bloque(3, 32) → bloque(32, 64) → bloque(64, 128) → bloque(128, 256)
#             → AdaptiveAvgPool2d(1) → Flatten → Dropout(0.3) → Linear(256, 2)
# ```
#
# - `padding=1` agrega un píxel de relleno con ceros en cada borde: con filtros de
#   3×3, la convolución conserva el alto y el ancho.
# - `BatchNorm2d` normaliza cada canal con la media y la varianza del lote (y aprende
#   una escala y un desplazamiento); estabiliza y acelera el entrenamiento. Por eso la
#   convolución no necesita sesgo.
# - Cada `MaxPool2d(2)` divide el alto y el ancho entre 2: una foto de 64×64 llega a 4×4
#   con 256 canales.
# - `AdaptiveAvgPool2d(1)` promedia cada canal sobre todo el mapa (*global average
#   pooling*): deja 256 números por foto, sea cual sea el tamaño de entrada.
# - `Dropout(0.3)` apaga al azar el 30 % de esos números durante el entrenamiento
#   (en evaluación no hace nada): reduce el sobreajuste.
#
# La salida son dos números por foto (*logits*); la pérdida `nn.CrossEntropyLoss`
# aplica el softmax por dentro.
#
# **Ejercicio.** Implemente `CatDogCNN` exactamente con esta arquitectura.

# %% tipo="solucion" id="p2_e4_solution"
class CatDogCNN(nn.Module):
    """CNN de 4 bloques conv-BN-ReLU-maxpool, pooling global y capa lineal a 2 clases."""

    def __init__(self, dropout=0.3):
        super().__init__()
        ### BEGIN SOLUTION
        channels = [3, 32, 64, 128, 256]
        blocks = []
        for c_in, c_out in zip(channels[:-1], channels[1:]):
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                       nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                        nn.Dropout(dropout), nn.Linear(channels[-1], 2))
        ### END SOLUTION

    def forward(self, x):
        """x (m, 3, H, W) -> logits (m, 2)."""
        ### BEGIN SOLUTION
        return self.classifier(self.features(x))
        ### END SOLUTION


# %% tipo="prueba" id="p2_e4_visible" puntos=10
import zlib


def pesos_conocidos(modelo):
    """El modelo en float64 con un valor fijo en cada tensor de su state_dict, que depende solo de
    la forma del tensor y de su clase (weight, bias, running_mean, running_var), no de los
    nombres de las capas."""
    modelo = modelo.double()
    nuevos = {}
    for nombre, tensor in modelo.state_dict().items():
        clase, forma = nombre.rsplit(".", 1)[-1], tuple(tensor.shape)
        rs = np.random.RandomState(zlib.crc32(f"{clase}{forma}".encode()))
        if clase == "num_batches_tracked":
            nuevos[nombre] = tensor
            continue
        if clase == "running_var":
            valor = 0.5 + rs.rand(*forma)
        elif clase == "weight" and len(forma) == 1:  # escala de BatchNorm
            valor = 1.0 + 0.2 * rs.randn(*forma)
        elif clase == "weight":
            valor = rs.randn(*forma) * np.sqrt(2.0 / np.prod(forma[1:]))
        else:  # bias, running_mean
            valor = 0.1 * rs.randn(*forma)
        nuevos[nombre] = torch.from_numpy(valor)
    modelo.load_state_dict(nuevos)
    return modelo


def salida_con_pesos_conocidos(forma, seed, entrenando=False):
    """La salida (NumPy) de un CatDogCNN nuevo con pesos_conocidos para una entrada fija de la forma dada."""
    modelo = pesos_conocidos(CatDogCNN())
    modelo.train(entrenando)
    x = torch.from_numpy(np.random.RandomState(seed).rand(*forma) * 2 - 1)
    return modelo(x).detach().numpy()


torch.manual_seed(seed_)
with marks(5, "e4_forma", pista="La salida debe ser (m, 2) para entradas (m, 3, 64, 64)."):
    modelo = CatDogCNN()
    salida = modelo(torch.randn(5, 3, 64, 64))
    print("salida:", tuple(salida.shape))
    assert isinstance(modelo, nn.Module) and tuple(salida.shape) == (5, 2)
    check_array(salida_con_pesos_conocidos((3, 3, 64, 64), 41), "fp1:3x2:n:1ecaed4e32a.0de8dc6e3f3.16d742403f9.070c54572f3.1fce72385c3", "la salida con pesos conocidos")
with marks(5, "e4_parametros", pista="Revise canales, bias=False en las convoluciones y la capa final."):
    n_parametros = sum(p.numel() for p in modelo.parameters())
    print("parámetros entrenables:", n_parametros)
    check_scalar(n_parametros, "fp1::n:1cae81b65a3.04c9dd46e48.18a62de619e.154a66b9e4c.0744879420f", "el número de parámetros")
    check_array(salida_con_pesos_conocidos((2, 3, 40, 56), 42), "fp1:2x2:n:17f14180cf0.05334306d37.1843d5b5527.037d5c7aec4.0a3fd4d6f11", "la salida con pesos conocidos")
puntos_de_la_celda()

# %% tipo="prueba" id="p2_e4_hidden" puntos=2
# Prueba oculta: otra resolución y otro tamaño de lote; evaluación determinista.
### BEGIN HIDDEN TESTS
torch.manual_seed(7)
with marks(1, "e4_oculta_resolucion", oculta=True):
    _m = CatDogCNN()
    assert tuple(_m(torch.randn(3, 3, 96, 80)).shape) == (3, 2)
    check_array(salida_con_pesos_conocidos((3, 3, 96, 80), 43), "fp1:3x2:n:1dfcbe308ab.1a3ff849934.08c2694dcd3.0108cd4d75e.12058628c6a", "la salida con pesos conocidos")
with marks(1, "e4_oculta_capas", oculta=True):
    _tipos = [type(m).__name__ for m in _m.modules()]
    assert _tipos.count("BatchNorm2d") == 4 and _tipos.count("Conv2d") == 4
    assert _tipos.count("Dropout") == 1 and _tipos.count("Linear") == 1
    _m.eval()
    _x = torch.randn(2, 3, 64, 64)
    assert torch.equal(_m(_x), _m(_x))
    _k = pesos_conocidos(CatDogCNN()).train()
    _xk = torch.from_numpy(np.random.RandomState(44).rand(4, 3, 32, 32))
    assert not torch.equal(_k(_xk), _k(_xk)), "en modo train, Dropout debe variar la salida"
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ### La misma red con `nn.Sequential`
#
# Cuando los datos atraviesan las capas una tras otra, sin desvíos, basta con
# `nn.Sequential(capa_1, capa_2, ...)`: su `forward` consiste en aplicar las capas en
# ese orden. La celda siguiente construye así la misma arquitectura de `CatDogCNN`,
# cuenta los parámetros de ambas y, si los tensores de pesos vienen en el mismo orden,
# copia los pesos de su red a la secuencial y compara las salidas. Ejecútela después
# de resolver el ejercicio 4; no da puntos.
#
# ¿Cuándo conviene cada forma?
#
# - **`nn.Sequential`**: redes que son una cadena de capas, prototipos rápidos, y
#   piezas dentro de una red mayor (un bloque, el clasificador final).
# - **Una clase propia (`nn.Module`)**: cuando `forward` hace algo más que encadenar:
#   conexiones residuales (`x + bloque(x)`), varias entradas o salidas, ramas que se
#   unen, devolver activaciones intermedias o comportarse distinto según la entrada.
#   Además permite dar nombres a las partes (`self.features`, `self.classifier`) y
#   documentar la red en un solo lugar.

# %% tipo="fijo" id="p2_e4_sequential_run"
def bloque_secuencial(c_in, c_out):
    """Las cuatro capas de un bloque, como lista (para desempacarla con *)."""
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
            nn.ReLU(), nn.MaxPool2d(2)]


def contar_parametros(red):
    return sum(p.numel() for p in red.parameters())


red_secuencial = nn.Sequential(
    *bloque_secuencial(3, 32), *bloque_secuencial(32, 64),
    *bloque_secuencial(64, 128), *bloque_secuencial(128, 256),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(256, 2),
)

if EVALUANDO:
    print("Al calificar se omite esta comparación (no da puntos).")
else:
    try:
        red_propia = CatDogCNN()
        print(f"parámetros: nn.Sequential {contar_parametros(red_secuencial):,} | "
              f"su CatDogCNN {contar_parametros(red_propia):,}".replace(",", " "))
        formas_sec = [tuple(t.shape) for t in red_secuencial.state_dict().values()]
        formas_propia = [tuple(t.shape) for t in red_propia.state_dict().values()]
        if formas_sec == formas_propia:
            # Los mismos tensores en el mismo orden: se copian uno a uno, sin importar sus nombres.
            red_secuencial.load_state_dict(dict(zip(red_secuencial.state_dict(),
                                                    red_propia.state_dict().values())))
            red_propia.eval()
            red_secuencial.eval()
            x_comparacion = torch.randn(4, 3, 64, 64)
            with torch.no_grad():
                iguales = torch.allclose(red_propia(x_comparacion), red_secuencial(x_comparacion), atol=1e-5)
            print("Con los mismos pesos, ¿dan las mismas salidas?",
                  "sí." if iguales else "no: revise el orden de las capas en su forward (ejercicio 4).")
        else:
            print("Los tensores de pesos de su red no vienen en el mismo orden o forma que los de la "
                  "red secuencial, así que no se pueden copiar uno a uno (si sus pruebas del "
                  "ejercicio 4 pasan, solo cambia el orden en que definió las capas).")
    except NotImplementedError:
        print("Complete el ejercicio 4 (CatDogCNN) para comparar su red con la versión nn.Sequential.")
    except Exception as error:  # noqa: BLE001 - código del estudiante: una frase, sin traza
        print(f"Su CatDogCNN no se pudo construir o ejecutar ({type(error).__name__}): revise el ejercicio 4.")

# %% [markdown]
# ## Ejercicio 5 — Entrenar una época y evaluar
#
# Todo entrenamiento en PyTorch repite, por cada lote, cinco pasos:
#
# ```
# optimizer.zero_grad()          # borrar los gradientes del lote anterior (¡se acumulan!)
# logits = model(x)              # paso hacia adelante
# loss = loss_fn(logits, y)      # pérdida promedio del lote
# loss.backward()                # autograd: gradientes de todos los parámetros
# optimizer.step()               # un paso del optimizador
# ```
#
# Antes del bucle, `model.train()` activa el modo de entrenamiento (Dropout apaga
# valores, BatchNorm usa las estadísticas del lote). Para evaluar se usa
# `model.eval()` (Dropout no hace nada, BatchNorm usa sus promedios guardados) y
# `torch.no_grad()` (no registra operaciones: menos memoria y más rapidez).
#
# **Pérdida y costo.** La *pérdida* (*loss*) de esta parte es la misma cantidad que en
# la Parte 1 se llamó *costo*: la entropía cruzada promediada sobre las fotos de un
# lote. PyTorch y casi toda la literatura dicen *loss*; aquí se traduce como pérdida.
#
# Ambas funciones devuelven `(pérdida media, exactitud)` sobre **todas** las fotos
# vistas: la pérdida de cada lote pesa según su número de fotos (`loss.item() * len(y)`),
# y la **exactitud** (*accuracy*) es la fracción de fotos cuya clase con mayor logit es
# la correcta (un número entre 0 y 1). Se dice exactitud y no "precisión" porque
# *precision* es otra medida, que se calcula a partir de la matriz de confusión del
# ejercicio 6: de las fotos que el modelo llamó "perro", cuántas lo eran.
#
# **Ejercicio.** Implemente `train_one_epoch` y `evaluate`.

# %% tipo="solucion" id="p2_e5_solution_train"
def train_one_epoch(model, loader, optimizer, loss_fn):
    """Una pasada de entrenamiento por loader; devuelve (pérdida media, exactitud) como floats."""
    ### BEGIN SOLUTION
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in loader:
        optimizer.zero_grad()
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen
    ### END SOLUTION


# %% tipo="solucion" id="p2_e5_solution_evaluate"
def evaluate(model, loader, loss_fn):
    """Evaluación sin gradientes y en modo eval; devuelve (pérdida media, exactitud) como floats."""
    ### BEGIN SOLUTION
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += len(y)
    return total_loss / seen, correct / seen
    ### END SOLUTION

# %% tipo="fijo" id="p2_e5_helpers"
def lotes_de_prueba(seed, sizes=(4, 4, 2), features=3):
    """Una lista de lotes (x, y) float64 fijos: sirve como 'loader' en las pruebas."""
    rs = np.random.RandomState(seed)
    return [(torch.from_numpy(rs.randn(n, features)), torch.from_numpy(rs.randint(0, 2, n)))
            for n in sizes]


def entropia_cruzada_numpy(logits, y):
    """Pérdida media y gradiente respecto de los logits, como en la Parte 1."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    onehot = np.eye(logits.shape[1])[y]
    return -np.mean(np.log(p[np.arange(len(y)), y])), (p - onehot) / len(y)


class Sonda(nn.Module):
    """Un modelo lineal que anota, en cada llamada, si estaba en modo train y con gradientes."""

    def __init__(self, features=3):
        super().__init__()
        self.linear = nn.Linear(features, 2).double()
        self.llamadas = []

    def forward(self, x):
        self.llamadas.append((self.training, torch.is_grad_enabled()))
        return self.linear(x)


# %% tipo="prueba" id="p2_e5_visible" puntos=10
lotes = lotes_de_prueba(seed_)
torch.manual_seed(seed_)
sonda = Sonda()
W0 = sonda.linear.weight.detach().numpy().copy()
b0 = sonda.linear.bias.detach().numpy().copy()

# Lo esperado, calculado a mano con NumPy: SGD con lr 0.1, un paso por lote.
W_esp, b_esp, perdidas, aciertos = W0.copy(), b0.copy(), [], 0
for x, y in lotes:
    logits = x.numpy() @ W_esp.T + b_esp
    perdida, dlogits = entropia_cruzada_numpy(logits, y.numpy())
    perdidas.append(perdida * len(y))
    aciertos += int(np.sum(logits.argmax(axis=1) == y.numpy()))
    W_esp, b_esp = W_esp - 0.1 * dlogits.T @ x.numpy(), b_esp - 0.1 * dlogits.sum(axis=0)

with marks(3, "e5_train_pesos", pista="zero_grad, forward, pérdida, backward, step: en cada lote."):
    sonda.llamadas.clear()
    optimizador = torch.optim.SGD(sonda.parameters(), lr=0.1)
    media, precision = train_one_epoch(sonda, lotes, optimizador, nn.CrossEntropyLoss())
    print(f"train_one_epoch: pérdida media {media:.4f}, exactitud {precision:.2f}")
    assert np.allclose(sonda.linear.weight.detach().numpy(), W_esp, rtol=1e-7, atol=1e-10), \
        "los pesos tras la época no son los esperados"
    assert np.allclose(sonda.linear.bias.detach().numpy(), b_esp, rtol=1e-7, atol=1e-10)
with marks(2, "e5_train_resultados", pista="Pondere la pérdida de cada lote por su tamaño; exactitud entre 0 y 1."):
    assert np.isclose(media, sum(perdidas) / 10, rtol=1e-7), "pérdida media incorrecta"
    assert np.isclose(precision, aciertos / 10), "exactitud incorrecta"
    assert all(modo for modo, _ in sonda.llamadas), "entrene en modo model.train()"

with marks(3, "e5_evaluate_valores", pista="Sume pérdida·tamaño y aciertos de todos los lotes."):
    W1, b1 = sonda.linear.weight.detach().numpy(), sonda.linear.bias.detach().numpy()
    logits = np.concatenate([x.numpy() for x, _ in lotes]) @ W1.T + b1
    etiquetas = np.concatenate([y.numpy() for _, y in lotes])
    perdida_esp = entropia_cruzada_numpy(logits, etiquetas)[0]
    precision_esp = np.mean(logits.argmax(axis=1) == etiquetas)
    sonda.llamadas.clear()
    perdida, precision = evaluate(sonda, lotes, nn.CrossEntropyLoss())
    print(f"evaluate: pérdida {perdida:.4f} (esperada {perdida_esp:.4f}), exactitud {precision:.2f}")
    assert np.isclose(perdida, perdida_esp, rtol=1e-7) and np.isclose(precision, precision_esp)
    assert np.allclose(sonda.linear.weight.detach().numpy(), W1), "evaluate no debe cambiar los pesos"
with marks(2, "e5_evaluate_modo", pista="model.eval() y with torch.no_grad(): al evaluar."):
    assert sonda.llamadas and all(not modo for modo, _ in sonda.llamadas), "falta model.eval()"
    assert all(not grad for _, grad in sonda.llamadas), "falta torch.no_grad()"
    assert np.isclose(perdida, perdida_esp, rtol=1e-7) and np.isclose(precision, precision_esp), \
        "evaluate debe devolver además la pérdida y la exactitud de todas las fotos"
puntos_de_la_celda()

# %% tipo="prueba" id="p2_e5_hidden" puntos=4
# Prueba oculta: otros lotes y otro optimizador (Adam); dos épocas seguidas.
### BEGIN HIDDEN TESTS
_lotes = lotes_de_prueba(77, sizes=(3, 5, 1, 4), features=4)
torch.manual_seed(78)
_s1, _s2 = Sonda(4), Sonda(4)
_s2.load_state_dict(_s1.state_dict())
_o2 = torch.optim.Adam(_s2.parameters(), lr=0.05)
for _epoca in range(2):
    for _x, _y in _lotes:
        _o2.zero_grad()
        nn.CrossEntropyLoss()(_s2(_x), _y).backward()
        _o2.step()
with marks(2, "e5_oculta_adam", oculta=True):
    _o1 = torch.optim.Adam(_s1.parameters(), lr=0.05)
    for _epoca in range(2):
        train_one_epoch(_s1, _lotes, _o1, nn.CrossEntropyLoss())
    assert torch.allclose(_s1.linear.weight, _s2.linear.weight, rtol=1e-7, atol=1e-10)
with marks(2, "e5_oculta_evaluate", oculta=True):
    _s1.llamadas.clear()
    _r = evaluate(_s1, _lotes, nn.CrossEntropyLoss(reduction="mean"))
    assert isinstance(_r[0], float) and isinstance(_r[1], float), "devuelva floats de Python"
    assert _s1.llamadas and all((not t) and (not g) for t, g in _s1.llamadas)
    _logits = np.concatenate([_x.numpy() for _x, _ in _lotes]) @ _s1.linear.weight.detach().numpy().T \
        + _s1.linear.bias.detach().numpy()
    _etiquetas = np.concatenate([_y.numpy() for _, _y in _lotes])
    assert np.isclose(_r[0], entropia_cruzada_numpy(_logits, _etiquetas)[0], rtol=1e-7)
    assert np.isclose(_r[1], np.mean(_logits.argmax(axis=1) == _etiquetas))
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ### Dos controles antes de entrenar en serio
#
# Un entrenamiento completo tarda minutos; estos dos controles tardan segundos y
# descubren muchos errores antes. Ninguno da puntos.
#
# **1. La pérdida inicial.** Con pesos al azar, un modelo sin entrenar no debería
# preferir ninguna clase: asigna más o menos 1/2 a cada una, y la entropía cruzada de
# cada foto es −ln(1/2) = ln 2 ≈ 0,693 (con K clases, ln K). La celda mide la pérdida
# de un `CatDogCNN` recién creado sobre 64 fotos de entrenamiento, con su `evaluate`.
# Un valor muy lejano (2, 10 o 0,05) señala un error antes de entrenar: pesos iniciales
# demasiado grandes, una capa que escala la salida, etiquetas que no son 0 y 1, o una
# pérdida que suma en lugar de promediar.
#
# **2. Sobreajustar un lote a propósito.** Con solo 16 fotos y 25 pasos de Adam sobre
# ellas, el modelo debe poder memorizarlas: la pérdida (la que devuelve su
# `train_one_epoch`, en modo `train`) tiene que bajar casi a cero.
# Si no baja, hay un error en el bucle (¿falta `zero_grad` o `step`?), en la tasa de
# aprendizaje o en el modelo, y ningún entrenamiento largo lo va a arreglar. Aquí el
# sobreajuste se busca solo como prueba; ese modelo se descarta.

# %% tipo="fijo" id="p2_e5_initial_loss_run"
import math

from cnnlab.data import load_split

if EVALUANDO:
    print("Al calificar se omiten los dos controles (no dan puntos).")
else:
    _fotos, _etiquetas = load_split(DATA_DIR, "train", (IMAGE_SIZE, IMAGE_SIZE))
    _orden = np.random.RandomState(0).permutation(len(_etiquetas))[:64]
    x_control = torch.from_numpy((_fotos[_orden] / 255.0 - 0.5) / 0.5).permute(0, 3, 1, 2).float()
    y_control = torch.from_numpy(_etiquetas[_orden])
    try:
        torch.manual_seed(seed_)
        perdida_inicial, _ = evaluate(CatDogCNN(), [(x_control, y_control)], nn.CrossEntropyLoss())
        print(f"pérdida inicial: {perdida_inicial:.3f} | ln 2 = {math.log(2):.3f}")
        if abs(perdida_inicial - math.log(2)) < 0.25:
            print("Cerca de ln 2: el modelo sin entrenar no prefiere ninguna clase, como debe ser.")
        else:
            print("Lejos de ln 2: revise la escala de su modelo (ejercicio 4) y su evaluate (ejercicio 5).")
    except NotImplementedError:
        print("Complete los ejercicios 4 (CatDogCNN) y 5 (evaluate) para medir la pérdida inicial.")
    except Exception as error:  # noqa: BLE001 - código del estudiante: una frase, sin traza
        print(f"No se pudo medir la pérdida inicial ({type(error).__name__}): revise los ejercicios 4 y 5.")

# %% tipo="fijo" id="p2_e5_overfit_train"
if EVALUANDO:
    print("Al calificar se omite el sobreajuste a propósito (no da puntos).")
else:
    try:
        torch.manual_seed(seed_)
        modelo_memoria = CatDogCNN()
        optimizador_memoria = torch.optim.Adam(modelo_memoria.parameters(), lr=1e-3)
        lote_pequeno = [(x_control[:16], y_control[:16])]  # un "loader" de un solo lote
        for paso in range(1, 26):
            perdida_paso, exactitud_paso = train_one_epoch(modelo_memoria, lote_pequeno,
                                                           optimizador_memoria, nn.CrossEntropyLoss())
            if paso == 1 or paso % 5 == 0:
                print(f"paso {paso:2d}: pérdida {perdida_paso:.4f}, exactitud {exactitud_paso:.0%}")
        if perdida_paso < 0.1:
            print("La pérdida bajó casi a cero: el modelo, la pérdida y su bucle pueden aprender.")
        else:
            print("La pérdida no bajó casi a cero: revise su train_one_epoch (ejercicio 5).")
    except NotImplementedError:
        print("Complete los ejercicios 4 (CatDogCNN) y 5 (train_one_epoch) para este control.")
    except Exception as error:  # noqa: BLE001 - código del estudiante: una frase, sin traza
        print(f"No se pudo sobreajustar el lote ({type(error).__name__}): revise los ejercicios 4 y 5.")

# %% [markdown]
# ## Ejercicio 6 — El experimento
#
# ### Una evaluación honesta: entrenamiento, validación y prueba
#
# Si la receta (número de épocas, tasa de aprendizaje, aumento de datos...) se elige
# mirando la exactitud en las fotos de prueba, esas fotos dejan de ser nuevas para el
# modelo: las decisiones se ajustaron a ellas y la cifra que se mide ahí sale
# optimista. Con 140 fotos de prueba, donde una foto vale 0,7 puntos porcentuales,
# basta con comparar unas cuantas variantes para que alguna parezca mejor por pura
# suerte. Por eso las fotos cumplen tres papeles distintos:
#
# - **entrenamiento**: las fotos con las que se ajustan los pesos;
# - **validación**: el 20 % de las fotos de entrenamiento (112, 56 de cada clase),
#   apartado con su `split_train_val` y una semilla fija. Con estas fotos se toman
#   **todas** las decisiones y se dibujan **todas** las curvas por época;
# - **prueba**: las 140 fotos de `test/`, que se evalúan **una sola vez**, al final,
#   con el modelo ya decidido. Esa cifra estima cómo le irá al modelo con fotos nuevas,
#   justamente porque nada se eligió con ella.
#
# En este laboratorio la receta ya viene dada; si quisiera cambiarla (más épocas, otra
# tasa, otro aumento), compare las variantes por su exactitud en validación, nunca en
# prueba. Decidida la receta, como 560 fotos son pocas, el **modelo final** se entrena
# con la misma receta sobre las 560 fotos
# (entrenamiento + validación): no se toma ninguna decisión nueva y el modelo aprende
# de un 25 % más de ejemplos. El precio es que ese modelo ya no tiene validación
# propia: su única medida es la de prueba. Es una práctica común cuando los datos son
# escasos; con muchos datos se suele conservar el modelo entrenado sin la validación.
#
# ### La receta
#
# Se entrena `CatDogCNN` usando sus funciones, con fotos de 64×64 y 90 épocas, y se
# evalúa con fotos de 72×72 (su red acepta cualquier tamaño gracias al *pooling*
# global; el porqué, más abajo):
#
# - optimizador **AdamW** (Adam con *weight decay* desacoplado), tasa máxima 3·10⁻³;
# - **OneCycleLR**: la tasa sube al principio y baja hasta casi cero al final, lo que
#   suele dar mejores modelos en pocas épocas. La tasa cambia tras **cada paso** del
#   optimizador (no una vez por época): un *gancho* (`register_step_post_hook`) avanza
#   el programa después de cada `optimizer.step()`, sin tocar su `train_one_epoch`;
# - ***label smoothing*** 0,1 en la entropía cruzada: en lugar de pedir probabilidad 1
#   para la clase correcta se pide 0,95, para que el modelo no se vuelva sobreconfiado
#   con un conjunto tan pequeño.
#
# ### Entrenar a 64×64 y evaluar a 72×72
#
# Cada recorte de `RandomResizedCrop` conserva entre el 60 % y el 100 % del área de la
# foto (un 80 % en promedio) y se lleva a 64×64: durante el entrenamiento el animal
# se ve, en promedio, más grande que en la foto entera reducida a 64×64 que se usa al
# evaluar. Evaluar con la foto entera a 72×72 (64 / √0,8 ≈ 72) devuelve a los objetos
# el tamaño aparente que la red vio al entrenar (Touvron y coautores, 2019, llaman a
# esto la discrepancia de resolución entre entrenamiento y prueba). No es un truco con
# la prueba: se decidió con la **validación**, como cualquier otra parte de la receta.
# Con tres semillas (y un hilo de PyTorch: con otro número de hilos las cifras cambian
# un poco), la misma red entrenada a 64×64 acertó en validación un 71,4 % en promedio
# evaluada a 64×64 y un 73,5 % evaluada a 72×72; entrenar y evaluar a 72×72 durante 110
# épocas (más lento, con dos hilos) dio un 72,6 %. Son 112 fotos de validación y una
# foto vale 0,9 puntos: las diferencias son pequeñas, pero la decisión se tomó sin
# mirar la prueba. Las curvas de entrenamiento (la muestra fija) y de validación se
# miden las dos a 72×72, en las mismas condiciones.
#
# ### Medir el entrenamiento y la validación en las mismas condiciones
#
# La pérdida que devuelve `train_one_epoch` no se puede comparar con la de validación:
# se promedia mientras los pesos cambian, en modo `train` (Dropout activo), sobre fotos
# aumentadas y con *label smoothing*, que le impide bajar de unos 0,2 aunque el modelo
# acierte todo. Por eso, al final de cada época, `run_experiment` mide con su
# `evaluate` (modo eval, sin aumento, entropía cruzada sin suavizar) una **muestra fija
# de 112 fotos de entrenamiento**, del mismo tamaño que la validación. Esas son las
# curvas de "entrenamiento" que se comparan con las de validación; la pérdida de cada
# época, tal como la devuelve `train_one_epoch`, se dibuja aparte con una línea
# discontinua, para que vea la diferencia.
#
# Dos detalles solo de velocidad, que no cambian el resultado: cada foto se lee y se
# decodifica **una sola vez** (`functools.cache` sobre el `loader` del `ImageFolder`;
# las transformaciones al azar se siguen aplicando en cada época), y el modelo usa el
# formato de memoria `channels_last`, es decir NHWC como en la Parte 1, con el que las
# convoluciones son más rápidas en CPU.
#
# Estas celdas no dan puntos (al calificar, el entrenamiento se reduce a dos lotes y
# no se entrena el modelo final).
# En un computador de dos núcleos cada entrenamiento tarda unos dos minutos y medio;
# observe la barra de progreso.

# %% tipo="fijo" id="p2_e6_experiment"
import functools

from torch.utils.data import Subset
from tqdm.auto import tqdm


EPOCAS = 90                  # con dos núcleos, cerca de un segundo y medio por época
TAMANO_EXPERIMENTO = 64      # fotos de entrenamiento (recortes al azar)
TAMANO_EVALUACION = 72       # fotos enteras de validación, de la muestra de entrenamiento y de prueba
FRACCION_VALIDACION = 0.2
SEMILLA_PARTICION = 0        # la misma partición sea cual sea la semilla del entrenamiento


def experiment_loaders(batch_size=32, final=False, size=TAMANO_EXPERIMENTO, eval_size=TAMANO_EVALUACION):
    """Los cargadores del experimento, hechos con make_loaders y split_train_val; las fotos
    de entrenamiento, a size; las que solo se evalúan, enteras a eval_size.

    final=False: {"entrenamiento": el 80 % de las fotos de entrenamiento, con aumento y
    barajado; "muestra_entrenamiento": 112 de esas fotos, sin aumento; "validacion": el
    20 % restante, sin aumento; "prueba": las fotos de prueba}.
    final=True: {"entrenamiento": las 560 fotos, con aumento; "prueba": las de prueba}.
    """
    train_loader, test_loader = make_loaders(DATA_DIR, size, batch_size)
    aumentadas = train_loader.dataset
    aumentadas.loader = functools.cache(aumentadas.loader)  # cada foto se decodifica una vez
    test_loader.dataset.transform = make_transforms(False, eval_size)  # fotos enteras, a eval_size
    test_loader.dataset.loader = functools.cache(test_loader.dataset.loader)
    if final:
        return {"entrenamiento": train_loader, "prueba": test_loader}
    sin_aumento = datasets.ImageFolder(os.path.join(DATA_DIR, "train"), make_transforms(False, eval_size))
    sin_aumento.loader = aumentadas.loader                  # las mismas fotos ya decodificadas
    idx_train, idx_val = split_train_val(sin_aumento.targets, FRACCION_VALIDACION, SEMILLA_PARTICION)
    muestra = idx_train[::max(1, len(idx_train) // len(idx_val))][:len(idx_val)]
    return {
        "entrenamiento": DataLoader(Subset(aumentadas, idx_train), batch_size=batch_size, shuffle=True),
        "muestra_entrenamiento": DataLoader(Subset(sin_aumento, muestra), batch_size=batch_size),
        "validacion": DataLoader(Subset(sin_aumento, idx_val), batch_size=batch_size),
        "prueba": test_loader,
    }


def run_experiment(epochs=EPOCAS, seed=seed_, batch_size=32, max_batches=None, progress=True, final=False):
    """Entrena CatDogCNN con la receta de arriba; devuelve (modelo, historial, cargadores).

    final=False: entrena con el 80 % y, tras cada época, mide con evaluate la muestra de
    entrenamiento y la validación: historial["train_loss"], ["train_acc"], ["val_loss"],
    ["val_acc"], una entrada por época.
    final=True: entrena con las 560 fotos y no mide nada por época.
    En ambos casos historial["epoch_loss"] y ["epoch_acc"] guardan lo que devuelve
    train_one_epoch. Las fotos de prueba no se usan aquí: cargadores["prueba"] se evalúa
    una sola vez, después. max_batches recorta cada cargador a esos lotes (al calificar).
    """
    torch.manual_seed(seed)
    cargadores = experiment_loaders(batch_size, final)
    if max_batches is not None:
        cargadores = {nombre: [lote for _, lote in zip(range(max_batches), cargador)]
                      for nombre, cargador in cargadores.items()}
    model = CatDogCNN().to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=3e-3, total_steps=epochs * len(cargadores["entrenamiento"]))
    optimizer.register_step_post_hook(lambda opt, args, kwargs: scheduler.step())
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    claves = ["epoch_loss", "epoch_acc"] + ([] if final else ["train_loss", "train_acc", "val_loss", "val_acc"])
    historial = {clave: [] for clave in claves}
    barra = tqdm(range(epochs), desc="épocas (modelo final)" if final else "épocas", disable=not progress)
    for _ in barra:
        valores = list(train_one_epoch(model, cargadores["entrenamiento"], optimizer, loss_fn))
        if not final:
            valores += evaluate(model, cargadores["muestra_entrenamiento"], nn.CrossEntropyLoss())
            valores += evaluate(model, cargadores["validacion"], nn.CrossEntropyLoss())
            barra.set_postfix(entrenamiento=f"{valores[3]:.2f}", validacion=f"{valores[5]:.2f}")
        for clave, valor in zip(claves, valores):
            historial[clave].append(valor)
    return model, historial, cargadores


# %% tipo="fijo" id="p2_e6_run"
import time

inicio = time.time()
modelo = None
try:
    if EVALUANDO:
        modelo, historial, cargadores = run_experiment(epochs=1, max_batches=2, progress=False)
    else:
        modelo, historial, cargadores = run_experiment()
    print(f"Entrenamiento con validación: {time.time() - inicio:.0f} s. Exactitud en la última época: "
          f"validación {100 * historial['val_acc'][-1]:.1f} %, muestra de entrenamiento "
          f"{100 * historial['train_acc'][-1]:.1f} %"
          + (" (ejecución reducida a dos lotes al calificar)" if EVALUANDO else ""))
except NotImplementedError:
    print("Complete los ejercicios 3 a 5 para poder entrenar.")

# %% tipo="fijo" id="p2_e6_curves"
from cnnlab import figures

if modelo is not None:
    figures.curves(historial, labels=("entrenamiento (muestra fija, modo eval)", "validación"),
                   extra="epoch_loss", extra_label="pérdida de la época (modo train, con aumento y suavizado)")

# %% [markdown]
# ### El modelo final y la única evaluación en prueba
#
# Con la receta ya decidida, la celda siguiente entrena el modelo final con las 560
# fotos (otros dos minutos y medio) y solo entonces mide la exactitud en las 140 fotos
# de prueba. Si después de ver ese número se cambiara la receta para mejorarlo, la
# prueba dejaría de ser una medida honesta: cualquier cambio debe justificarse otra vez
# con la validación.

# %% tipo="fijo" id="p2_e6_final_run"
modelo_final = None
if modelo is not None:
    inicio = time.time()
    if EVALUANDO:  # al calificar no se entrena un segundo modelo: se usa el de dos lotes
        modelo_final, test_loader = modelo, cargadores["prueba"]
    else:
        modelo_final, _, cargadores_finales = run_experiment(final=True)
        test_loader = cargadores_finales["prueba"]
        print(f"Modelo final (560 fotos): {time.time() - inicio:.0f} s de entrenamiento.")
    perdida_prueba, exactitud_prueba = evaluate(modelo_final, test_loader, nn.CrossEntropyLoss())
    print(f"En las fotos de prueba, evaluadas una sola vez: exactitud {100 * exactitud_prueba:.1f} %, "
          f"pérdida {perdida_prueba:.3f}"
          + (" (al calificar: el modelo de dos lotes, sin modelo final)" if EVALUANDO else ""))
else:
    print("Complete los ejercicios 3 a 5 y ejecute el experimento para entrenar el modelo final.")

# %% [markdown]
# ### ¿En qué se equivoca?
#
# La **matriz de confusión** del modelo final cuenta, para cada clase verdadera
# (filas), cuántas fotos de prueba se predijeron como cada clase (columnas): la
# exactitud es la suma de la diagonal dividida entre el total. Debajo, algunas fotos de
# prueba mal clasificadas. Ambas salen de la misma y única evaluación de arriba: sirven
# para entender los errores, no para volver a ajustar la receta.

# %% tipo="fijo" id="p2_e6_errors"
if modelo_final is not None:
    modelo_final.eval()
    fotos, verdad, prediccion = [], [], []
    with torch.no_grad():
        for x, y in test_loader:
            fotos.append(x)
            verdad.append(y)
            prediccion.append(modelo_final(x).argmax(dim=1))
    fotos, verdad, prediccion = torch.cat(fotos), torch.cat(verdad), torch.cat(prediccion)
    nombres = ["gato", "perro"]
    confusion = np.zeros((2, 2), dtype=int)
    for v, p in zip(verdad.tolist(), prediccion.tolist()):
        confusion[v, p] += 1
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    ax.imshow(confusion, cmap="Blues")
    for (i, j), n in np.ndenumerate(confusion):
        ax.text(j, i, str(n), ha="center", va="center", fontsize=14)
    ax.set_xticks([0, 1], [f"pred. {n}" for n in nombres])
    ax.set_yticks([0, 1], [f"real {n}" for n in nombres])
    ax.set_title("Matriz de confusión (prueba)")
    fig.tight_layout()
    plt.show()

    errores = (verdad != prediccion).nonzero().flatten()[:12]
    if len(errores):
        fig, axes = plt.subplots(2, 6, figsize=(11, 4))
        for ax in axes.ravel():
            ax.axis("off")
        for ax, i in zip(axes.ravel(), errores.tolist()):
            imagen = (fotos[i].permute(1, 2, 0).numpy() * 0.5 + 0.5).clip(0, 1)
            ax.imshow(imagen)
            ax.set_title(f"real {nombres[verdad[i]]}\npredijo {nombres[prediccion[i]]}", fontsize=9)
        fig.suptitle("Fotos de prueba mal clasificadas")
        fig.tight_layout()
        plt.show()

# %% [markdown]
# ### ¿Qué aprendió la primera capa?
#
# Los 32 filtros de la primera convolución del modelo final tienen forma 3×3×3: se
# pueden dibujar como imágenes RGB diminutas (cada uno con su propia escala de color).
# Con solo 3×3 píxeles se distinguen sobre todo contrastes de color y de claro contra
# oscuro en alguna dirección (los filtros más grandes de otras redes muestran bordes
# y texturas con más claridad).
# Debajo, los **mapas de activación** de esa capa para una foto: la salida de cada
# filtro, antes de BatchNorm y ReLU, en cada posición. Un mapa claro donde hay bordes
# verticales indica un filtro que responde a ese patrón. Las capas más profundas
# combinan estas respuestas simples en otras más abstractas (orejas, hocicos, texturas
# de pelo), pero sus filtros ya no se pueden dibujar como imágenes.

# %% tipo="fijo" id="p2_e6_filters_figure"
def primera_convolucion(red):
    """La primera nn.Conv2d de la red, en el orden de red.modules(), o None."""
    return next((capa for capa in red.modules() if isinstance(capa, nn.Conv2d)), None)


if EVALUANDO:
    print("Al calificar se omiten las figuras de filtros y mapas de activación.")
elif modelo_final is None:
    print("Complete los ejercicios 3 a 5 y entrene el modelo final para ver los filtros de su primera capa.")
elif primera_convolucion(modelo_final) is None or primera_convolucion(modelo_final).weight.shape[1] != 3:
    print("Su CatDogCNN no empieza con una nn.Conv2d de 3 canales de entrada: revise el ejercicio 4.")
else:
    figures.filters(primera_convolucion(modelo_final).weight)

# %% tipo="fijo" id="p2_e6_maps_figure"
if not EVALUANDO and modelo_final is not None and primera_convolucion(modelo_final) is not None:
    foto_ejemplo, _ = datasets.ImageFolder(os.path.join(DATA_DIR, "train"),
                                           make_transforms(False, TAMANO_EVALUACION))[300]
    capturado = {}
    gancho = primera_convolucion(modelo_final).register_forward_hook(
        lambda capa, entrada, salida: capturado.update(mapas=salida.detach()[0]))
    modelo_final.eval()
    with torch.no_grad():
        modelo_final(foto_ejemplo[None].to(memory_format=torch.channels_last))
    gancho.remove()
    figures.feature_maps((foto_ejemplo.permute(1, 2, 0).numpy() * 0.5 + 0.5), capturado["mapas"])
elif EVALUANDO:
    print("Al calificar se omiten los mapas de activación.")
else:
    print("Complete los ejercicios 3 a 5 y entrene el modelo final para ver los mapas de activación.")

# %% [markdown]
# ### Preguntas (calificación manual, 5 puntos cada una)
#
# **Pregunta 1.** Compare este modelo con la CNN de la Parte 1: exactitud en prueba,
# tiempo de entrenamiento, resolución de las fotos y tamaño de la red. ¿Qué explica
# la diferencia?

# %% [markdown] tipo="respuesta" id="p2_e6_answer_q1" puntos=5
# ### BEGIN SOLUTION
# Ejemplo: la Parte 1 llega a un 60 % con fotos de 16×16 y una capa; aquí, con
# 64×64 (72×72 al evaluar), cuatro bloques, BatchNorm, aumento de datos y AdamW, se pasa del 75 % en
# prueba con un par de minutos de entrenamiento. Más resolución y profundidad
# permiten ver formas (orejas, hocico), y las convoluciones de PyTorch son mucho más
# rápidas que los bucles.
# ### END SOLUTION

# %% [markdown]
# **Pregunta 2.** Mire las curvas de pérdida y exactitud de entrenamiento y de
# validación. ¿Hay sobreajuste? ¿En qué lo nota y qué parte de la receta lo combate?

# %% [markdown] tipo="respuesta" id="p2_e6_answer_q2" puntos=5
# ### BEGIN SOLUTION
# Ejemplo: sí, moderado. La exactitud en la muestra de entrenamiento llega casi al
# 100 % y su pérdida sigue bajando, mientras la de validación se estanca cerca del
# 75–80 % y su pérdida deja de bajar (o sube) en la segunda mitad: el modelo memoriza
# fotos que no le sirven para las nuevas. Ambas curvas se miden igual (modo eval, sin
# aumento ni suavizado), así que la brecha es real. Lo combaten el aumento de datos,
# el dropout, el weight decay, el label smoothing y el pooling global (pocos
# parámetros en la cabeza); la tasa que baja al final (OneCycleLR) evita que la
# validación oscile.
# ### END SOLUTION

# %% [markdown]
# **Pregunta 3.** Mire las fotos mal clasificadas. ¿Tienen algo en común? Proponga un
# cambio concreto que ayudaría con esos casos.

# %% [markdown] tipo="respuesta" id="p2_e6_answer_q3" puntos=5
# ### BEGIN SOLUTION
# Ejemplo: animales pequeños o de espaldas, fondos con mucho contraste, fotos oscuras
# o con personas. Ayudarían más datos, recortes más agresivos, más resolución o
# partir de una red preentrenada (transfer learning).
# ### END SOLUTION

# %% [markdown]
# ## Resumen

# %% tipo="fijo" id="p2_summary"
resumen();
