# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Laboratorio 2 — Redes neuronales convolucionales
# ## Parte 1: una CNN construida a mano con NumPy
#
# En esta parte vamos a escribir, función por función, las piezas de una red
# convolucional: el relleno con ceros, la convolución (hacia adelante y hacia
# atrás) y el *pooling* (también en ambos sentidos). Al final se juntan en una
# red pequeña que se entrena con fotos de gatos y perros.
#
# **Cómo se califica.** Cada ejercicio tiene una celda donde usted escribe su
# código (donde dice `# TU CÓDIGO AQUÍ`; borre la línea `raise NotImplementedError()`)
# y una celda de pruebas visibles. Al ejecutarla verá un recuadro verde
# `✓ [5 puntos]` o uno rojo `✗ [0/5 puntos]` con el motivo y una pista, y el
# total que lleva. Las pruebas comparan su resultado con una *huella* del
# resultado correcto, así que no revelan la respuesta. Además hay **pruebas
# ocultas** (otros tamaños, stride 2, sin padding, ...) que solo corren al
# calificar: que pasen las visibles no garantiza que pasen las ocultas.
#
# **Reglas prácticas.**
# - No modifique las celdas de pruebas ni cambie los nombres o firmas de las funciones.
# - Use bucles `for` donde el enunciado lo pide: la versión vectorizada es otro ejercicio.
# - Antes de entregar: *Kernel → Restart & Run All* y revise que no haya errores.
#
# *Créditos: la secuencia de ejercicios sigue el laboratorio de convolución del curso
# "Convolutional Neural Networks" de Andrew Ng (DeepLearning.AI) y la versión de este curso
# que lo adaptó; los textos, el código y las figuras de este notebook son propios.*

# %% tipo="fijo" id="p1_setup"
import numpy as np
import matplotlib.pyplot as plt

import cnnlab
from cnnlab import figures
from cnnlab.checks import check_array, check_scalar
from cnnlab.gradcheck import numeric_gradient, relative_error, sample_indices
from cnnlab.marks import marks, puntos_de_la_celda, resumen, reiniciar

cnnlab.require_version("1.0.0")
reiniciar()
# %matplotlib inline

seed_ = 2023
np.random.seed(seed_)

# %% [markdown]
# ## Ejercicio 0 — Identificación
#
# El laboratorio se puede hacer en pareja. Escriba el carné (al menos 5 caracteres)
# y el nombre completo de cada integrante; el nombre cuenta como firma de que el
# trabajo es propio. Si trabaja solo, deje vacíos `carne_2` y `firma_mecanografiada_2`.

# %% tipo="solucion" id="p1_e0_solution"
### BEGIN SOLUTION
carne_1 = "99001"
firma_mecanografiada_1 = "Persona Ejemplo Uno"
carne_2 = ""
firma_mecanografiada_2 = ""
### END SOLUTION

# %% tipo="fijo" id="p1_e0_check"
with marks(0, "e0_carne", pista="carne_1 debe ser un texto de al menos 5 caracteres."):
    assert isinstance(carne_1, str) and len(carne_1.strip()) >= 5
    assert isinstance(carne_2, str) and (carne_2 == "" or len(carne_2.strip()) >= 5)
with marks(0, "e0_firma", pista="Escriba su nombre completo como firma."):
    assert isinstance(firma_mecanografiada_1, str) and firma_mecanografiada_1.strip()
    assert isinstance(firma_mecanografiada_2, str)
    assert (carne_2 == "") == (firma_mecanografiada_2.strip() == "")

# %% [markdown]
# ## Los datos de entrada: lotes en formato NHWC
#
# Todas las funciones reciben un **lote** de imágenes como un array de cuatro ejes
# `(m, n_H, n_W, n_C)`: `m` imágenes, cada una de `n_H` filas por `n_W` columnas y
# `n_C` canales (3 en una foto RGB, 16 si viene de una capa con 16 filtros).
# Los filtros de una capa se guardan en `W` con forma `(f, f, n_C_prev, n_C)` y los
# sesgos en `b` con forma `(1, 1, 1, n_C)`: un sesgo por filtro.
#
# Cada función *forward* devuelve, además de su salida, un `cache` con lo que la
# función *backward* necesitará después para calcular los gradientes.

# %% [markdown]
# ## Ejercicio 1 — Relleno con ceros (*zero padding*)
#
# Rellenar es agregar un marco de ceros alrededor de cada imagen, en cada canal,
# sin tocar el eje del lote ni el de los canales. Se usa por dos motivos:
#
# - **Conservar el tamaño.** Sin relleno, cada convolución achica la imagen; con
#   `pad = (f - 1) / 2` y stride 1 la salida mide lo mismo que la entrada, y se
#   pueden apilar muchas capas.
# - **No descuidar los bordes.** Un píxel de la orilla cae en pocas ventanas; con
#   relleno participa en tantas como uno del centro.
#
# Con `pad` ceros por lado, una imagen de `n_H × n_W` pasa a medir
# `(n_H + 2·pad) × (n_W + 2·pad)`.
#
# **Ejercicio.** Implemente `zero_pad` con `np.pad`. Su segundo argumento da,
# para cada eje, cuántos valores agregar `(antes, después)`. Por ejemplo, para
# rellenar solo el primer eje de una matriz `M` con una fila arriba y dos abajo:
# `np.pad(M, ((1, 2), (0, 0)), mode="constant", constant_values=0)`.

# %% tipo="solucion" id="p1_e1_solution"
def zero_pad(X, pad):
    """Rodea con `pad` ceros el alto y el ancho de cada imagen del lote.

    X   -- array (m, n_H, n_W, n_C)
    pad -- entero >= 0, ceros por lado
    Devuelve X_pad, array (m, n_H + 2*pad, n_W + 2*pad, n_C) del mismo dtype que X.
    """
    ### BEGIN SOLUTION
    widths = ((0, 0), (pad, pad), (pad, pad), (0, 0))
    X_pad = np.pad(X, widths, mode="constant", constant_values=0)
    ### END SOLUTION
    return X_pad


# %% tipo="prueba" id="p1_e1_visible" puntos=5
np.random.seed(seed_)
x = np.random.randn(4, 3, 3, 2)
with marks(5, "e1_x_pad", pista="El relleno va solo en los ejes 1 y 2 (alto y ancho)."):
    x_pad = zero_pad(x, 2)
    print("x.shape =", x.shape)
    print("x_pad.shape =", x_pad.shape)
    print("x[1,1] =\n", x[1, 1])
    print("x_pad[1,1] =\n", x_pad[1, 1])
    check_array(x_pad, "fp1:4x7x7x2:n:11a202425d0.1d467777713.06cf601630c.0ceed399883.0f93a35228c", "x_pad")
puntos_de_la_celda()

# %% tipo="fijo" id="p1_e1_figure"
# El canal 0 de la primera imagen, antes y después del relleno.
figures.padding(x, x_pad)

# %% tipo="prueba" id="p1_e1_hidden_pad0" puntos=1
# Prueba oculta: pad = 0 no cambia nada.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(101)
_X = _rs.randn(2, 4, 6, 3)
with marks(1, "e1_oculta_pad0", oculta=True):
    check_array(zero_pad(_X, 0), "fp1:2x4x6x3:n:09d9211beed.1c86f4f1a2c.147f65592e1.060eba87094.0c321818570", "zero_pad(X, 0)")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e1_hidden_nonsquare" puntos=1
# Prueba oculta: imágenes no cuadradas, 3 canales, pad = 3.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(102)
_X = _rs.randn(2, 4, 6, 3)
with marks(1, "e1_oculta_no_cuadrada", oculta=True):
    check_array(zero_pad(_X, 3), "fp1:2x10x12x3:n:0f6b35b6dc8.108c2d40589.029998b021e.01b85431df2.1daf73dc1ed", "zero_pad(X, 3)")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e1_hidden_no_mutation" puntos=1
# Prueba oculta: zero_pad no modifica el array que recibe.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(103)
_X = _rs.randn(3, 2, 5, 1)
_X_copia = _X.copy()
with marks(1, "e1_oculta_no_modifica", oculta=True):
    zero_pad(_X, 1)
    assert np.array_equal(_X, _X_copia), "zero_pad modificó el array de entrada"
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 2 — Un paso de convolución
#
# La convolución desliza un filtro por la imagen. En cada posición toma la
# **ventana** de la entrada que queda debajo del filtro (alto `f`, ancho `f` y
# todos los canales), la multiplica elemento a elemento por el filtro, suma todo
# y agrega el sesgo. El resultado es **un solo número**: una casilla de la salida.
#
# $$z = \sum_{i=1}^{f}\sum_{j=1}^{f}\sum_{k=1}^{n_C} a_{ijk}\, w_{ijk} + b$$
#
# **Ejercicio.** Implemente `conv_single_step`. El sesgo `b` llega como un array de
# forma `(1, 1, 1)`; sumar un array a un número da otro array, así que conviértalo
# a número (`float(np.squeeze(b))` o `b.item()`) para devolver un `float` de Python.

# %% tipo="solucion" id="p1_e2_solution"
def conv_single_step(a_slice_prev, W, b):
    """Aplica un filtro a una sola ventana de la entrada.

    a_slice_prev -- ventana de la entrada, array (f, f, n_C_prev)
    W            -- filtro, array (f, f, n_C_prev)
    b            -- sesgo, array (1, 1, 1)
    Devuelve Z, un float: suma de a_slice_prev * W más el sesgo.
    """
    ### BEGIN SOLUTION
    Z = float(np.sum(a_slice_prev * W)) + float(np.squeeze(b))
    ### END SOLUTION
    return Z


# %% tipo="prueba" id="p1_e2_visible" puntos=5
np.random.seed(seed_)
a_slice_prev = np.random.randn(4, 3, 3)
W = np.random.randn(4, 3, 3)
b = np.random.randn(1, 1, 1)
with marks(5, "e2_Z", pista="Multiplique elemento a elemento, sume todo y agregue el sesgo como número."):
    Z = conv_single_step(a_slice_prev, W, b)
    print("Z =", Z)
    check_scalar(Z, "fp1::n:07dec8c0ce4.04c9dd46e48.18a62de619e.154a66b9e4c.0744879420f", "Z")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e2_hidden_channels" puntos=2
# Prueba oculta: filtros con 1 y con 7 canales.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(201)
_a1, _w1, _b1 = _rs.randn(3, 3, 1), _rs.randn(3, 3, 1), _rs.randn(1, 1, 1)
_a7, _w7, _b7 = _rs.randn(2, 2, 7), _rs.randn(2, 2, 7), _rs.randn(1, 1, 1)
with marks(1, "e2_oculta_1canal", oculta=True):
    check_scalar(conv_single_step(_a1, _w1, _b1), "fp1::n:17e306a966d.04c9dd46e48.18a62de619e.154a66b9e4c.0744879420f")
with marks(1, "e2_oculta_7canales", oculta=True):
    check_scalar(conv_single_step(_a7, _w7, _b7), "fp1::n:1629346fe3a.0a59b01a86f.14dbaa7b2fb.1157c397d2c.0123687f596")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 3 — Convolución hacia adelante
#
# Ahora se aplica cada uno de los `n_C` filtros en todas las posiciones de cada
# imagen del lote. Para la salida `Z[i, h, w, c]` (imagen `i`, fila `h`,
# columna `w`, filtro `c`) la ventana empieza en la fila `h·stride` y en la columna
# `w·stride` de la entrada **ya rellenada**, y mide `f × f`:
#
# ```
# vert_start = h * stride      vert_end = vert_start + f
# horiz_start = w * stride     horiz_end = horiz_start + f
# ```
#
# El tamaño de la salida sale de contar cuántas veces cabe la ventana
# (redondeando hacia abajo):
#
# $$n_H = \left\lfloor \frac{n_{H_{prev}} + 2\,pad - f}{stride} \right\rfloor + 1 \qquad
#   n_W = \left\lfloor \frac{n_{W_{prev}} + 2\,pad - f}{stride} \right\rfloor + 1$$
#
# y `n_C` es el número de filtros. La figura muestra dónde cae la ventana para
# algunas casillas de la salida con stride 2.

# %% tipo="fijo" id="p1_e3_figure"
figures.windows(n=7, f=3, stride=2, pad=1)

# %% [markdown]
# **Ejercicio.** Implemente `conv_forward` con cuatro bucles (imagen, fila,
# columna, filtro), usando `zero_pad` y `conv_single_step`. Pistas:
#
# - Rellene todo el lote una sola vez, antes de los bucles.
# - La ventana `a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]` conserva los tres ejes.
# - El filtro `c` es `W[:, :, :, c]` y su sesgo `b[:, :, :, c]`.
# - Use `//` (división entera) para los tamaños; no modifique `A_prev`.

# %% tipo="solucion" id="p1_e3_solution"
def conv_forward(A_prev, W, b, hparameters):
    """Convolución de un lote con n_C filtros (bucles explícitos).

    A_prev      -- entrada, array (m, n_H_prev, n_W_prev, n_C_prev)
    W           -- filtros, array (f, f, n_C_prev, n_C)
    b           -- sesgos, array (1, 1, 1, n_C)
    hparameters -- dict con "stride" y "pad" (enteros)
    Devuelve Z, array (m, n_H, n_W, n_C), y cache = (A_prev, W, b, hparameters).
    """
    ### BEGIN SOLUTION
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev + 2 * pad - f) // stride + 1
    n_W = (n_W_prev + 2 * pad - f) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                window = a_prev_pad[top:top + f, left:left + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(window, W[:, :, :, c], b[:, :, :, c])
    ### END SOLUTION
    cache = (A_prev, W, b, hparameters)
    return Z, cache


# %% tipo="prueba" id="p1_e3_visible" puntos=15
np.random.seed(seed_)
A_prev = np.random.randn(10, 7, 7, 5)
W = np.random.randn(3, 3, 5, 8)
b = np.random.randn(1, 1, 1, 8)
hparameters = {"pad": 1, "stride": 1}
with marks(5, "e3_Z", pista="Revise los índices de la ventana y el tamaño de salida."):
    Z, cache_conv = conv_forward(A_prev, W, b, hparameters)
    print("media de Z =", np.mean(Z))
    print("Z[3,2,1] =\n", Z[3, 2, 1])
    print("cache_conv[0][1][2][3] =\n", cache_conv[0][1][2][3])
    check_array(Z, "fp1:10x7x7x8:n:05fc655495e.111e8185cc2.1c0632668e5.1deb031ab63.0a72831d150", "Z")
with marks(5, "e3_cache", pista="cache debe ser (A_prev, W, b, hparameters), con A_prev sin rellenar."):
    check_array(cache_conv[0], "fp1:10x7x7x5:n:0e37f9308de.14f14a7bf10.031c270dcd4.0a5eeb6e481.075e222dd07", "cache_conv[0]")
with marks(5, "e3_media", pista="La media de Z depende de todos sus valores."):
    check_scalar(np.mean(Z), "fp1::n:13ea1592905.04c9dd46e48.18a62de619e.154a66b9e4c.0744879420f", "np.mean(Z)")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e3_hidden_stride2" puntos=3
# Prueba oculta: stride 2 con pad 1 en imágenes no cuadradas.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(301)
_A, _W, _b = _rs.randn(2, 9, 7, 3), _rs.randn(3, 3, 3, 4), _rs.randn(1, 1, 1, 4)
with marks(3, "e3_oculta_stride2", oculta=True):
    check_array(conv_forward(_A, _W, _b, {"stride": 2, "pad": 1})[0], "fp1:2x5x4x4:n:118326c5f35.0989f7e66b0.03721b7ddac.0e511bc0234.0f97661c11f", "Z")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e3_hidden_pad0" puntos=3
# Prueba oculta: sin relleno (pad 0), filtro de 2x2, imágenes no cuadradas.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(302)
_A, _W, _b = _rs.randn(3, 5, 8, 2), _rs.randn(2, 2, 2, 3), _rs.randn(1, 1, 1, 3)
with marks(3, "e3_oculta_pad0", oculta=True):
    check_array(conv_forward(_A, _W, _b, {"stride": 1, "pad": 0})[0], "fp1:3x4x7x3:n:0b37a2366a0.060cb9854d6.1811634dcc3.1f14b778bda.1b28cea26a0", "Z")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e3_hidden_no_mutation" puntos=2
# Prueba oculta: conv_forward no modifica sus entradas y devuelve el cache pedido.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(303)
_A, _W, _b = _rs.randn(2, 4, 4, 2), _rs.randn(3, 3, 2, 2), _rs.randn(1, 1, 1, 2)
_copias = (_A.copy(), _W.copy(), _b.copy())
_hp = {"stride": 1, "pad": 1}
with marks(1, "e3_oculta_no_modifica", oculta=True):
    conv_forward(_A, _W, _b, _hp)
    for _orig, _copia in zip((_A, _W, _b), _copias):
        assert np.array_equal(_orig, _copia), "conv_forward modificó una de sus entradas"
    assert _hp == {"stride": 1, "pad": 1}, "conv_forward modificó hparameters"
with marks(1, "e3_oculta_cache", oculta=True):
    _cache = conv_forward(_A, _W, _b, _hp)[1]
    assert len(_cache) == 4 and _cache[0] is _A and _cache[1] is _W and _cache[2] is _b
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# En una red, a `Z` se le aplica después una activación casilla por casilla,
# por ejemplo `A = np.maximum(0, Z)` (ReLU). Eso lo haremos en el ejercicio 8.
#
# ## Ejercicio 4 — *Pooling* hacia adelante
#
# El *pooling* reduce el alto y el ancho resumiendo cada ventana `f × f` en un número,
# **canal por canal** (no mezcla canales, así que `n_C` no cambia):
#
# - *max pooling* se queda con el valor más grande de la ventana;
# - *average pooling* se queda con el promedio.
#
# No tiene parámetros que aprender, solo los hiperparámetros `f` y `stride`, y no
# usa relleno:
#
# $$n_H = \left\lfloor \frac{n_{H_{prev}} - f}{stride} \right\rfloor + 1 \qquad
#   n_W = \left\lfloor \frac{n_{W_{prev}} - f}{stride} \right\rfloor + 1 \qquad n_C = n_{C_{prev}}$$

# %% tipo="fijo" id="p1_e4_figure"
figures.pooling(np.array([[1.0, 3.0, 2.0], [4.0, 0.5, 2.5], [1.5, 2.0, 0.0]]))

# %% [markdown]
# **Ejercicio.** Implemente `pool_forward` con cuatro bucles; la ventana del canal `c`
# es `A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]`. Use `np.max` o
# `np.mean` según `mode`.

# %% tipo="solucion" id="p1_e4_solution"
def pool_forward(A_prev, hparameters, mode="max"):
    """Pooling sin relleno, canal por canal (bucles explícitos).

    A_prev      -- entrada, array (m, n_H_prev, n_W_prev, n_C)
    hparameters -- dict con "f" (lado de la ventana) y "stride"
    mode        -- "max" o "average"
    Devuelve A, array (m, n_H, n_W, n_C), y cache = (A_prev, hparameters).
    """
    ### BEGIN SOLUTION
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    reduce = np.max if mode == "max" else np.mean
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                for c in range(n_C):
                    A[i, h, w, c] = reduce(A_prev[i, top:top + f, left:left + f, c])
    ### END SOLUTION
    cache = (A_prev, hparameters)
    return A, cache


# %% tipo="prueba" id="p1_e4_visible" puntos=10
np.random.seed(seed_)
A_prev = np.random.randn(2, 5, 5, 3)
hparameters = {"stride": 1, "f": 3}
with marks(5, "e4_max", pista="Cada canal por separado: np.max de la ventana 2-D."):
    A, cache = pool_forward(A_prev, hparameters)
    print("modo = max")
    print("A.shape =", A.shape)
    print("A =\n", A)
    check_array(A, "fp1:2x3x3x3:n:18f36e8ffbb.0db6abe5aeb.13c30b67bb0.1dbc791dae5.1f97c1887e1", "A (max)")
print()
with marks(5, "e4_average", pista="Con mode='average' use np.mean de la ventana."):
    A, cache = pool_forward(A_prev, hparameters, mode="average")
    print("modo = average")
    print("A.shape =", A.shape)
    print("A =\n", A)
    check_array(A, "fp1:2x3x3x3:n:1fd3f066d86.094ed9b0caf.10b311ad846.14e1179a5c5.18124e99ea8", "A (average)")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e4_hidden_stride2" puntos=4
# Prueba oculta: f = 2, stride 2, imágenes no cuadradas, ambos modos.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(401)
_A = _rs.randn(2, 6, 5, 3)
with marks(2, "e4_oculta_stride2_max", oculta=True):
    check_array(pool_forward(_A, {"f": 2, "stride": 2}, mode="max")[0], "fp1:2x3x2x3:n:1797011c17c.067588bd791.1e4ceced79e.12329ab8ff8.1209c75bb23", "A")
with marks(2, "e4_oculta_stride2_average", oculta=True):
    check_array(pool_forward(_A, {"f": 2, "stride": 2}, mode="average")[0], "fp1:2x3x2x3:n:1aa75d6cc4c.1b96596ee3d.12841688e6a.1f6f9f0b8c9.1dd3bd502a4", "A")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e4_hidden_no_mutation" puntos=1
# Prueba oculta: pool_forward no modifica su entrada y usa "max" por omisión.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(402)
_A = _rs.randn(1, 4, 6, 2)
_A_copia = _A.copy()
with marks(1, "e4_oculta_no_modifica", oculta=True):
    check_array(pool_forward(_A, {"f": 3, "stride": 1})[0], "fp1:1x2x4x2:n:1e6928a340d.0853585e8f5.1d84d2db9ec.012894e962b.128915fff59", "A")
    assert np.array_equal(_A, _A_copia), "pool_forward modificó su entrada"
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 5 — Convolución hacia atrás
#
# En el *backward* recibimos `dZ`, el gradiente del costo respecto de cada casilla
# de la salida, y debemos devolver los gradientes respecto de la entrada
# (`dA_prev`), de los filtros (`dW`) y de los sesgos (`db`). La idea es seguir a
# cada casilla `Z[i, h, w, c]` hasta lo que la produjo: la ventana de la imagen `i`
# que empieza en `(h·stride, w·stride)`, el filtro `c` y el sesgo `c`. Cada uno
# recibe su parte, **sumando** (`+=`) porque las ventanas se solapan y un mismo
# filtro se usa en todas las posiciones:
#
# 1. **Entrada.** Cada valor de la ventana se multiplicó por el peso del filtro que
#    le tocó, así que recibe ese peso por `dZ`:
#    $$dA_{\text{ventana}} \mathrel{+}= W_c \cdot dZ_{ihwc}$$
# 2. **Filtros.** Cada peso se multiplicó por un valor de la ventana, así que recibe
#    ese valor por `dZ`:
#    $$dW_c \mathrel{+}= a_{\text{ventana}} \cdot dZ_{ihwc}$$
# 3. **Sesgos.** El sesgo se sumó tal cual en cada casilla del filtro `c`:
#    $$db_c = \sum_{i,h,w} dZ_{ihwc}$$
#
# En código, dentro de los cuatro bucles, con `da_prev_pad` el gradiente de la
# imagen `i` **rellenada**:
#
# ```
# da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c]
# dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
# db[:, :, :, c] += dZ[i, h, w, c]
# ```
#
# Al final de cada imagen hay que quitar el relleno de `da_prev_pad` para obtener
# `dA_prev[i]`. **Cuidado:** el recorte `[pad:-pad]` devuelve un array vacío cuando
# `pad` es 0; use `[pad:pad + n_H_prev]`.

# %% tipo="solucion" id="p1_e5_solution"
def conv_backward(dZ, cache):
    """Gradientes de la convolución (bucles explícitos).

    dZ    -- gradiente del costo respecto de Z, array (m, n_H, n_W, n_C)
    cache -- (A_prev, W, b, hparameters), tal como lo devolvió conv_forward
    Devuelve dA_prev (m, n_H_prev, n_W_prev, n_C_prev), dW (f, f, n_C_prev, n_C)
    y db (1, 1, 1, n_C).
    """
    ### BEGIN SOLUTION
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f = W.shape[0]
    stride, pad = hparameters["stride"], hparameters["pad"]
    _, n_H, n_W, n_C = dZ.shape
    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad, da_prev_pad = A_prev_pad[i], dA_prev_pad[i]
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                a_slice = a_prev_pad[top:top + f, left:left + f, :]
                for c in range(n_C):
                    da_prev_pad[top:top + f, left:left + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    ### END SOLUTION
    return dA_prev, dW, db


# %% tipo="prueba" id="p1_e5_visible" puntos=15
np.random.seed(seed_)
with marks(5, "e5_dA", pista="dA_prev acumula W por dZ en cada ventana; quite el relleno al final."):
    dA, dW, db = conv_backward(Z, cache_conv)
    print("media de dA =", np.mean(dA))
    print("media de dW =", np.mean(dW))
    print("media de db =", np.mean(db))
    check_array(dA, "fp1:10x7x7x5:n:1af146e4c7a.0a9a7e70d52.0505cdfcfbc.061c9ff6660.03cd3d5c79d", "dA")
with marks(5, "e5_dW", pista="dW acumula la ventana por dZ, para cada filtro."):
    check_array(dW, "fp1:3x3x5x8:n:165d5016f0b.1aa0fe0af0f.08be648f031.0caa0a8f2e4.19faf4f0d7d", "dW")
with marks(5, "e5_db", pista="db suma dZ sobre imágenes, filas y columnas."):
    check_array(db, "fp1:1x1x1x8:n:1a5d8b8aa17.115da1675d6.1b5b214dd7c.193126a3f13.13386b3835a", "db")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e5_hidden_pad0" puntos=3
# Prueba oculta: conv_backward sin relleno (pad 0).
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(501)
_A, _W, _b = _rs.randn(2, 5, 4, 3), _rs.randn(3, 3, 3, 2), _rs.randn(1, 1, 1, 2)
_dZ = _rs.randn(2, 3, 2, 2)
_cache = (_A, _W, _b, {"stride": 1, "pad": 0})
with marks(1, "e5_oculta_pad0_dA", oculta=True):
    check_array(conv_backward(_dZ, _cache)[0], "fp1:2x5x4x3:n:0def57395c7.0e763e8b485.0338fe20eff.144f40f0b3f.04a99f1d1a0", "dA_prev")
with marks(1, "e5_oculta_pad0_dW", oculta=True):
    check_array(conv_backward(_dZ, _cache)[1], "fp1:3x3x3x2:n:08373f89f9d.0bba37a4a8e.038157b5608.12a93376d46.19d9cbe84f7", "dW")
with marks(1, "e5_oculta_pad0_db", oculta=True):
    check_array(conv_backward(_dZ, _cache)[2], "fp1:1x1x1x2:n:1fa91cee286.04f0a5759a5.1cc93a9c698.0aa8578afc1.1d020e1c09d", "db")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e5_hidden_stride2" puntos=3
# Prueba oculta: conv_backward con stride 2 y pad 1, imágenes no cuadradas.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(502)
_A, _W, _b = _rs.randn(2, 7, 6, 3), _rs.randn(3, 3, 3, 4), _rs.randn(1, 1, 1, 4)
_dZ = _rs.randn(2, 4, 3, 4)
_cache = (_A, _W, _b, {"stride": 2, "pad": 1})
with marks(1, "e5_oculta_stride2_dA", oculta=True):
    check_array(conv_backward(_dZ, _cache)[0], "fp1:2x7x6x3:n:08b050929d9.13571b21358.1bb962db2e1.03d015e9a3a.0beda133dcb", "dA_prev")
with marks(1, "e5_oculta_stride2_dW", oculta=True):
    check_array(conv_backward(_dZ, _cache)[1], "fp1:3x3x3x4:n:1295e6dc961.19dd2aad380.040126c6276.02af0f1e0f4.1f2f587676e", "dW")
with marks(1, "e5_oculta_stride2_db", oculta=True):
    check_array(conv_backward(_dZ, _cache)[2], "fp1:1x1x1x4:n:152d0c93bbc.15dd69b4a13.00b3846238e.150c6404fef.04838b7edde", "db")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e5_hidden_gradcheck" puntos=4
# Prueba oculta: gradientes comparados con gradientes numéricos (diferencias centradas)
# del costo L = sum(conv_forward(A, W, b) * R), en 20 coordenadas al azar de cada parámetro.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(503)
_A, _W, _b = _rs.randn(2, 4, 5, 3), _rs.randn(3, 3, 3, 2), _rs.randn(1, 1, 1, 2)
_hp = {"stride": 1, "pad": 1}
_R = _rs.randn(2, 4, 5, 2)

def _gradcheck_conv(which, analytic_index):
    params = [_A.copy(), _W.copy(), _b.copy()]
    grads = conv_backward(_R, (params[0], params[1], params[2], _hp))
    target = params[which]

    def loss(value):
        args = list(params)
        args[which] = value
        return np.sum(conv_forward(args[0], args[1], args[2], _hp)[0] * _R)

    idx = sample_indices(target.shape, 20, seed=which)
    numeric = numeric_gradient(loss, target, idx)
    analytic = [grads[analytic_index][i] for i in idx]
    error = relative_error(numeric, analytic)
    assert error < 1e-6, f"error relativo {error:.1e} frente al gradiente numérico"

with marks(2, "e5_oculta_gradcheck_dA", oculta=True):
    _gradcheck_conv(0, 0)
with marks(1, "e5_oculta_gradcheck_dW", oculta=True):
    _gradcheck_conv(1, 1)
with marks(1, "e5_oculta_gradcheck_db", oculta=True):
    _gradcheck_conv(2, 2)
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 6 — Piezas para el *pooling* hacia atrás
#
# El *pooling* no tiene parámetros, pero el gradiente tiene que atravesarlo para
# llegar a las capas anteriores. ¿A qué valores de la ventana le toca?
#
# **Max pooling.** La salida era el máximo de la ventana, así que solo ese valor
# influyó en el costo: todo el gradiente va a su posición y las demás reciben 0.
# Para recordar dónde estaba el máximo se usa una **máscara**, un array booleano
# con `True` solo en esa posición. Por ejemplo:
#
# $$X = \begin{bmatrix} 2 & -1 \\ 5 & 3 \end{bmatrix} \;\longrightarrow\;
#   M = \begin{bmatrix} \text{False} & \text{False} \\ \text{True} & \text{False} \end{bmatrix}$$
#
# (Comparar un array con un número, `X == valor`, da justo un array booleano así.
# Aquí no hace falta preocuparse por empates.)
#
# **Average pooling.** Cada valor de la ventana pesó lo mismo en el promedio, así
# que el gradiente `dz` se reparte en partes iguales: con una ventana de
# `n_H × n_W`, cada posición recibe `dz / (n_H · n_W)`. Por ejemplo, `dz = 2` en
# una ventana de `2 × 2` da una matriz de `0.5`.
#
# **Ejercicio.** Implemente `create_mask_from_window` y `distribute_value`.

# %% tipo="solucion" id="p1_e6_solution_mask"
def create_mask_from_window(x):
    """Máscara booleana de la posición del máximo.

    x -- array (f, f)
    Devuelve mask, array booleano (f, f): True donde x es máximo.
    """
    ### BEGIN SOLUTION
    mask = x == np.max(x)
    ### END SOLUTION
    return mask


# %% tipo="prueba" id="p1_e6_visible_mask" puntos=5
np.random.seed(seed_)
x = np.random.randn(2, 3)
with marks(5, "e6_mask", pista="Compare x con su máximo: el resultado ya es booleano."):
    mask = create_mask_from_window(x)
    print("x =", x)
    print("mask =", mask)
    check_array(mask, "fp1:2x3:b:17576ec949d.024bbed1ee6.1ec1005fefc.114039742f9.0bfa206439b", "mask")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e6_hidden_mask" puntos=2
# Prueba oculta: ventanas de otras formas, sin empates, también con todos los valores negativos.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(601)
_x1 = _rs.randn(3, 3)
_x2 = -np.abs(_rs.randn(1, 4)) - 1.0
with marks(1, "e6_oculta_mask_3x3", oculta=True):
    check_array(create_mask_from_window(_x1), "fp1:3x3:b:13e9d70f7f3.0a3e9394c5c.13f2d8c52fa.02d5c1d4cea.01b5145ea82", "mask")
with marks(1, "e6_oculta_mask_negativos", oculta=True):
    check_array(create_mask_from_window(_x2), "fp1:1x4:b:1e9881cd464.0dcb40d94e1.1f9b147206a.0bd370529a3.0d2f1cbf9dd", "mask")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="solucion" id="p1_e6_solution_distribute"
def distribute_value(dz, shape):
    """Reparte dz en partes iguales en una matriz de forma `shape`.

    dz    -- número (float)
    shape -- tupla (n_H, n_W)
    Devuelve a, array (n_H, n_W) cuyos valores suman dz.
    """
    ### BEGIN SOLUTION
    n_H, n_W = shape
    a = np.full((n_H, n_W), dz / (n_H * n_W))
    ### END SOLUTION
    return a


# %% tipo="prueba" id="p1_e6_visible_distribute" puntos=5
with marks(5, "e6_distribute", pista="Cada posición recibe dz dividido entre n_H·n_W."):
    a = distribute_value(5, (7, 7))
    print("valor repartido =", a)
    check_array(a, "fp1:7x7:n:019f0553f4b.17e30fc0bde.17889a714e9.14bc47a43de.1da7bce078c", "a")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e6_hidden_distribute" puntos=2
# Prueba oculta: ventanas no cuadradas y valores negativos.
### BEGIN HIDDEN TESTS
with marks(1, "e6_oculta_distribute_2x3", oculta=True):
    check_array(distribute_value(3.0, (2, 3)), "fp1:2x3:n:029ecd8b78d.022cc062b77.190fa05372e.04771640171.192df6067a0", "a")
with marks(1, "e6_oculta_distribute_negativo", oculta=True):
    check_array(distribute_value(-1.5, (4, 4)), "fp1:4x4:n:1dfa266d222.0540373601c.08bc67ab529.004be2ab922.0ec593cd8ca", "a")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 7 — *Pooling* hacia atrás
#
# Con las dos piezas anteriores se arma `pool_backward`. Para cada casilla
# `dA[i, h, w, c]` se localiza su ventana en la entrada (como en `pool_forward`) y:
#
# - con `mode == "max"`, se suma `mask * dA[i, h, w, c]` en esa ventana del canal `c`,
#   donde `mask` es la máscara de la ventana de `A_prev`;
# - con `mode == "average"`, se suma `distribute_value(dA[i, h, w, c], (f, f))`.
#
# Use `+=`: con stride menor que `f` las ventanas se solapan y un mismo valor de la
# entrada puede recibir gradiente de varias casillas.

# %% tipo="solucion" id="p1_e7_solution"
def pool_backward(dA, cache, mode="max"):
    """Gradiente del pooling respecto de su entrada (bucles explícitos).

    dA    -- gradiente del costo respecto de la salida A, array (m, n_H, n_W, n_C)
    cache -- (A_prev, hparameters), tal como lo devolvió pool_forward
    mode  -- "max" o "average"
    Devuelve dA_prev, array con la forma de A_prev.
    """
    ### BEGIN SOLUTION
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                for c in range(n_C):
                    if mode == "max":
                        window = A_prev[i, top:top + f, left:left + f, c]
                        share = create_mask_from_window(window) * dA[i, h, w, c]
                    else:
                        share = distribute_value(dA[i, h, w, c], (f, f))
                    dA_prev[i, top:top + f, left:left + f, c] += share
    ### END SOLUTION
    return dA_prev


# %% tipo="prueba" id="p1_e7_visible" puntos=10
np.random.seed(seed_)
A_prev = np.random.randn(5, 5, 3, 2)
hparameters = {"stride": 1, "f": 2}
cache = (A_prev, hparameters)  # el mismo cache que devolvería pool_forward
dA = np.random.randn(5, 4, 2, 2)  # gradiente respecto de la salida A, de forma (5, 4, 2, 2)
with marks(5, "e7_max", pista="Sume (+=) la máscara por dA en la ventana y el canal correctos."):
    dA_prev = pool_backward(dA, cache, mode="max")
    print("modo = max")
    print("media de dA =", np.mean(dA))
    print("dA_prev[1,1] =\n", dA_prev[1, 1])
    check_array(dA_prev, "fp1:5x5x3x2:n:1beb15c1f7a.062e6d08c72.0e96f9db251.02ce86f54b3.029b8f9e9ba", "dA_prev (max)")
print()
with marks(5, "e7_average", pista="Sume (+=) distribute_value(dA[i,h,w,c], (f, f)) en la ventana."):
    dA_prev = pool_backward(dA, cache, mode="average")
    print("modo = average")
    print("media de dA =", np.mean(dA))
    print("dA_prev[1,1] =\n", dA_prev[1, 1])
    check_array(dA_prev, "fp1:5x5x3x2:n:00d227f2e30.1d71f69c058.13bf77343a8.02b62c04156.19035e798de", "dA_prev (average)")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e7_hidden_stride2" puntos=4
# Prueba oculta: ventanas de 2x2 con stride 2, imágenes no cuadradas, ambos modos.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(701)
_A = _rs.permutation(2 * 4 * 6 * 3).reshape(2, 4, 6, 3) / 10.0 - 7.0
_dA = _rs.randn(2, 2, 3, 3)
_cache = (_A, {"f": 2, "stride": 2})
with marks(2, "e7_oculta_stride2_max", oculta=True):
    check_array(pool_backward(_dA, _cache, mode="max"), "fp1:2x4x6x3:n:1a82f8f4201.0c19e61d76a.1a4615b57be.0368b79c8e5.0d4d6dcc56c", "dA_prev")
with marks(2, "e7_oculta_stride2_average", oculta=True):
    check_array(pool_backward(_dA, _cache, mode="average"), "fp1:2x4x6x3:n:0792db584c4.1cbb088db6b.0416da4c1b1.143f0b595fd.07bbb992b2d", "dA_prev")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% tipo="prueba" id="p1_e7_hidden_gradcheck" puntos=4
# Prueba oculta: gradiente numérico de L = sum(pool_forward(A) * R) con ventanas
# solapadas (f 3, stride 1) y entradas sin empates, en ambos modos.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(702)
_A = _rs.permutation(2 * 5 * 4 * 2).reshape(2, 5, 4, 2) / 8.0 - 5.0
_hp = {"f": 3, "stride": 1}
_R = _rs.randn(2, 3, 2, 2)

def _gradcheck_pool(mode):
    analytic = pool_backward(_R, (_A.copy(), _hp), mode=mode)
    idx = sample_indices(_A.shape, 30, seed=7)
    numeric = numeric_gradient(
        lambda value: np.sum(pool_forward(value, _hp, mode=mode)[0] * _R), _A.copy(), idx
    )
    error = relative_error(numeric, [analytic[i] for i in idx])
    assert error < 1e-6, f"error relativo {error:.1e} frente al gradiente numérico"

with marks(2, "e7_oculta_gradcheck_max", oculta=True):
    _gradcheck_pool("max")
with marks(2, "e7_oculta_gradcheck_average", oculta=True):
    _gradcheck_pool("average")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Resumen
#
# La tabla y la gráfica muestran los puntos de las pruebas visibles que ha ejecutado.
# La nota oficial la da la calificación automática, que además corre las pruebas ocultas.

# %% tipo="fijo" id="p1_summary"
resumen();
