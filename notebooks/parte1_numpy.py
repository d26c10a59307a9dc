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
# convolucional: el relleno con ceros (*zero padding*), la convolución (hacia
# adelante y hacia atrás) y el *pooling* (también en ambos sentidos). Al final se
# juntan en una red pequeña que se entrena con fotos de gatos y perros.
#
# **Cómo se califica.** Cada ejercicio tiene una celda donde usted escribe su
# código (donde dice `# ESCRIBA SU CÓDIGO AQUÍ`; borre la línea `raise NotImplementedError()`)
# y una celda de pruebas visibles. Al ejecutarla verá un recuadro verde
# `✓ [5 puntos]` o uno rojo `✗ [0/5 puntos]` con el motivo y una pista, y el
# total que lleva. Las pruebas comparan su resultado con una *huella* del
# resultado correcto, así que no revelan la respuesta. Además hay **pruebas
# ocultas** (otros tamaños, stride 2, sin relleno, ...) que solo corren al
# calificar: que pasen las visibles no garantiza que pasen las ocultas. Las tres
# preguntas escritas del ejercicio 8 (5 puntos cada una) las califica a mano el
# equipo docente.
#
# **Cuánto vale.** Esta parte vale 152 puntos: 90 de pruebas visibles, 47 de pruebas
# ocultas y 15 de las preguntas escritas. El ejercicio 9 es un **bonus** de 10 puntos
# extra, que no cuentan en el máximo. La nota del laboratorio suma los puntos de las dos
# partes (152 de esta y 100 de la Parte 2, 252 en total) y la lleva a una escala de
# 0 a 100; el bonus compensa puntos perdidos en cualquier ejercicio, sin pasar de 100, y
# la penalización por entrega tardía se aplica al final.
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
from cnnlab.checks import Prerequisites, check_array, check_scalar
from cnnlab.gradcheck import numeric_gradient, relative_error, sample_indices
from cnnlab.marks import marks, puntos_de_la_celda, resumen, reiniciar
from cnnlab.timing import sin_bucles

cnnlab.require_version("1.1.0")
reiniciar()
# %matplotlib inline

seed_ = 2023
np.random.seed(seed_)

# %% [markdown]
# ## Ejercicio 0 — Identificación
#
# El laboratorio se puede hacer en pareja. En la celda de abajo escriba, entre las
# comillas, el carné (al menos 5 caracteres) y el nombre completo de cada integrante:
# `carne_1` y `firma_mecanografiada_1` para la primera persona, `carne_2` y
# `firma_mecanografiada_2` para la segunda. El nombre escrito cuenta como firma de que
# el trabajo es propio. Si trabaja solo, deje `carne_2` y `firma_mecanografiada_2`
# vacíos (`""`). Después borre la línea `raise NotImplementedError()`.

# %% tipo="solucion" id="p1_e0_solution"
# Integrante 1
carne_1 = ""
firma_mecanografiada_1 = ""
# Integrante 2 (déjelos vacíos si trabaja solo)
carne_2 = ""
firma_mecanografiada_2 = ""
### BEGIN SOLUTION
carne_1 = "99001"
firma_mecanografiada_1 = "Persona Ejemplo Uno"
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
# ## Ejercicio 1 — Relleno con ceros
#
# Rellenar es agregar un marco de ceros alrededor de cada imagen, en cada canal,
# sin tocar el eje del lote ni el de los canales. Se usa por dos motivos:
#
# - **Conservar el tamaño.** Sin relleno, cada convolución achica la imagen; con
#   stride 1 y `pad = (f - 1) / 2` la salida mide lo mismo que la entrada, y se
#   pueden apilar muchas capas. Ese `pad` es entero solo si `f` es impar: por eso
#   los filtros suelen ser de 3×3, 5×5 o 7×7.
# - **Aprovechar los bordes.** Sin relleno, un píxel de la orilla cae en pocas
#   ventanas (el de una esquina, en una sola), así que influye poco en la salida.
#   Con relleno participa en más ventanas que antes, aunque todavía en menos que
#   uno del centro (con `f = 3` y `pad = 1`, una esquina cae en 4 ventanas y un
#   píxel central en 9), y la salida conserva la información de los bordes.
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
try:
    figures.padding(x, x_pad)
except NameError:  # la celda de pruebas no llegó a calcular x_pad
    print("Complete el ejercicio 1 (zero_pad) y ejecute su celda de pruebas para ver la figura.")

# %% tipo="prueba" id="p1_e1_hidden_pad0" puntos=1
# Prueba oculta: pad = 0 no cambia nada (y pad = 2 sí rellena: devolver X no basta).
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(101)
_X = _rs.randn(2, 4, 6, 3)
with marks(1, "e1_oculta_pad0", oculta=True):
    check_array(zero_pad(_X, 0), "fp1:2x4x6x3:n:09d9211beed.1c86f4f1a2c.147f65592e1.060eba87094.0c321818570", "zero_pad(X, 0)")
    check_array(zero_pad(_X, 2), "fp1:2x8x10x3:n:06538eb9590.166eaedbe8e.0a23a1fe371.0cc52407b8c.17264709eea", "zero_pad(X, 2)")
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
# Prueba oculta: zero_pad no modifica el array que recibe (y su resultado es el correcto).
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(103)
_X = _rs.randn(3, 2, 5, 1)
_X_copia = _X.copy()
with marks(1, "e1_oculta_no_modifica", oculta=True):
    _X_pad = zero_pad(_X, 1)
    assert np.array_equal(_X, _X_copia), "zero_pad modificó el array de entrada"
    check_array(_X_pad, "fp1:3x4x7x1:n:043f817b5e9.1ac47c585d8.1ae33b04f74.09005454332.15a69221a41", "zero_pad(X, 1)")
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
    check_array(Z, "fp1:10x7x7x8:n:05fc655495e.111e8185cc2.1c0632668e5.1deb031ab63.0a72831d150", "Z")
    check_array(cache_conv[0], "fp1:10x7x7x5:n:0e37f9308de.14f14a7bf10.031c270dcd4.0a5eeb6e481.075e222dd07", "cache_conv[0]")
print()
# Otro caso: stride 2, sin relleno, imágenes de 6×7; (6 - 3) / 2 no es entero.
with marks(5, "e3_stride2_redondeo", pista="n_H = (n_H_prev + 2·pad - f) // stride + 1: la división "
           "redondea hacia abajo, y la ventana de la fila h empieza en h·stride."):
    _rs = np.random.RandomState(seed_ + 3)
    A_s2, W_s2, b_s2 = _rs.randn(2, 6, 7, 3), _rs.randn(3, 3, 3, 4), _rs.randn(1, 1, 1, 4)
    Z_s2, _ = conv_forward(A_s2, W_s2, b_s2, {"pad": 0, "stride": 2})
    print("con stride 2 y pad 0: Z_s2.shape =", np.shape(Z_s2))
    check_array(Z_s2, "fp1:2x2x3x4:n:1b4b0d8f230.0e2f25d83bf.02779eaf451.1a1e0dadbb9.083050b6306", "Z_s2")
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
# Prueba oculta: conv_forward no modifica sus entradas y devuelve el cache pedido
# (cada punto, junto con el resultado correcto).
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(303)
_A, _W, _b = _rs.randn(2, 4, 4, 2), _rs.randn(3, 3, 2, 2), _rs.randn(1, 1, 1, 2)
_copias = (_A.copy(), _W.copy(), _b.copy())
_hp = {"stride": 1, "pad": 1}
with marks(1, "e3_oculta_no_modifica", oculta=True):
    _Z = conv_forward(_A, _W, _b, _hp)[0]
    for _orig, _copia in zip((_A, _W, _b), _copias):
        assert np.array_equal(_orig, _copia), "conv_forward modificó una de sus entradas"
    assert _hp == {"stride": 1, "pad": 1}, "conv_forward modificó hparameters"
    check_array(_Z, "fp1:2x4x4x2:n:08243aa6d0f.14c0194f6c9.1a0b72cbf61.195e50f1390.17e857f0e15", "Z")
with marks(1, "e3_oculta_cache", oculta=True):
    _Z, _cache = conv_forward(_A, _W, _b, _hp)
    assert len(_cache) == 4 and _cache[0] is _A and _cache[1] is _W and _cache[2] is _b
    check_array(_Z, "fp1:2x4x4x2:n:08243aa6d0f.14c0194f6c9.1a0b72cbf61.195e50f1390.17e857f0e15", "Z")
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
# En el paso hacia atrás (*backward*) recibimos `dZ`, el gradiente del costo
# respecto de cada casilla de la salida, y debemos devolver los gradientes respecto
# de la entrada (`dA_prev`), de los filtros (`dW`) y de los sesgos (`db`). La idea es seguir a
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
# Las entradas se construyen aquí, sin llamar a conv_forward: el cache es el que
# devolvería conv_forward con los datos del ejercicio 3, y dZ es un gradiente al azar
# de la forma de Z. Así, esta prueba solo depende de su conv_backward.
np.random.seed(seed_)
A_prev = np.random.randn(10, 7, 7, 5)
W = np.random.randn(3, 3, 5, 8)
b = np.random.randn(1, 1, 1, 8)
dZ = np.random.randn(10, 7, 7, 8)
cache_conv = (A_prev, W, b, {"pad": 1, "stride": 1})
with marks(7, "e5_dA", pista="dA_prev acumula W por dZ en cada ventana; quite el relleno al final."):
    dA, dW, db = conv_backward(dZ, cache_conv)
    print("media de dA =", np.mean(dA))
    print("media de dW =", np.mean(dW))
    print("media de db =", np.mean(db))
    check_array(dA, "fp1:10x7x7x5:n:1f34a08e8ce.051ff4a15b4.17238b58ea8.0ed2070c7d8.16ece3e21b8", "dA")
with marks(5, "e5_dW", pista="dW acumula la ventana por dZ, para cada filtro."):
    check_array(dW, "fp1:3x3x5x8:n:1610daacebe.0714c04a1fc.1ccb0b994c3.00b625b31e0.0b07bfdfa7d", "dW")
with marks(3, "e5_db", pista="db suma dZ sobre imágenes, filas y columnas."):
    check_array(db, "fp1:1x1x1x8:n:11aa67e4ce7.085984381ed.068d61b45fd.0e5fe33a2fa.1865f0f2645", "db")
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
# del costo L = sum(conv(A, W, b) * R), en 20 coordenadas al azar de cada parámetro. La
# convolución derivada es una de referencia, no su conv_forward: un error del
# ejercicio 3 no cuesta puntos aquí.
### BEGIN HIDDEN TESTS
from numpy.lib.stride_tricks import sliding_window_view as _ventanas

_rs = np.random.RandomState(503)
_A, _W, _b = _rs.randn(2, 4, 5, 3), _rs.randn(3, 3, 3, 2), _rs.randn(1, 1, 1, 2)
_hp = {"stride": 1, "pad": 1}
_R = _rs.randn(2, 4, 5, 2)


def _conv_referencia(A, W, b, hp):
    f, s, p = W.shape[0], hp["stride"], hp["pad"]
    v = _ventanas(np.pad(A, ((0, 0), (p, p), (p, p), (0, 0))), (f, f), axis=(1, 2))[:, ::s, ::s]
    return np.einsum("mhwcij,ijcn->mhwn", v, W) + b.reshape(1, 1, 1, -1)


def _gradcheck_conv(which, analytic_index, fingerprint):
    params = [_A.copy(), _W.copy(), _b.copy()]
    grads = conv_backward(_R.copy(), (params[0].copy(), params[1].copy(), params[2].copy(), dict(_hp)))
    target = params[which]

    def loss(value):
        args = list(params)
        args[which] = value
        return np.sum(_conv_referencia(args[0], args[1], args[2], _hp) * _R)

    idx = sample_indices(target.shape, 20, seed=which)
    numeric = numeric_gradient(loss, target, idx)
    check_array(numeric, fingerprint, "el gradiente numérico de referencia")
    analytic = [grads[analytic_index][i] for i in idx]
    error = relative_error(numeric, analytic)
    assert error < 1e-6, f"error relativo {error:.1e} frente al gradiente numérico"

with marks(2, "e5_oculta_gradcheck_dA", oculta=True):
    _gradcheck_conv(0, 0, "fp1:20:n:13d40d947bb.184e5cc6aee.0457458aad4.095b5cef1f8.1a37e242b95")
with marks(1, "e5_oculta_gradcheck_dW", oculta=True):
    _gradcheck_conv(1, 1, "fp1:20:n:024283235b6.1dc26036b9c.0e9a1981322.1aa95f97a17.1ac1b83a6ce")
with marks(1, "e5_oculta_gradcheck_db", oculta=True):
    _gradcheck_conv(2, 2, "fp1:2:n:13e79dd5157.10060b1aa2e.16a6a8c3697.08d0ec45e97.06031301555")
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

    x -- ventana, array 2-D de forma (n_H, n_W); no tiene que ser cuadrada
    Devuelve mask, array booleano de la misma forma que x: True donde x es máximo.
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
# Prueba oculta: gradiente numérico de L = sum(pool(A) * R) con ventanas solapadas
# (f 3, stride 1) y entradas sin empates, en ambos modos. El pooling derivado es uno de
# referencia, no su pool_forward: un error del ejercicio 4 no cuesta puntos aquí.
### BEGIN HIDDEN TESTS
from numpy.lib.stride_tricks import sliding_window_view as _ventanas

_rs = np.random.RandomState(702)
_A = _rs.permutation(2 * 5 * 4 * 2).reshape(2, 5, 4, 2) / 8.0 - 5.0
_hp = {"f": 3, "stride": 1}
_R = _rs.randn(2, 3, 2, 2)


def _pool_referencia(A, hp, mode):
    f, s = hp["f"], hp["stride"]
    v = _ventanas(A, (f, f), axis=(1, 2))[:, ::s, ::s]
    return v.max(axis=(4, 5)) if mode == "max" else v.mean(axis=(4, 5))


def _gradcheck_pool(mode, fingerprint):
    analytic = pool_backward(_R.copy(), (_A.copy(), dict(_hp)), mode=mode)
    idx = sample_indices(_A.shape, 30, seed=7)
    numeric = numeric_gradient(lambda value: np.sum(_pool_referencia(value, _hp, mode) * _R), _A.copy(), idx)
    check_array(numeric, fingerprint, "el gradiente numérico de referencia")
    error = relative_error(numeric, [analytic[i] for i in idx])
    assert error < 1e-6, f"error relativo {error:.1e} frente al gradiente numérico"

with marks(2, "e7_oculta_gradcheck_max", oculta=True):
    _gradcheck_pool("max", "fp1:30:n:02b66cd64ed.1b27ed9ebc0.1d68e9d5b9b.1a6f17234bf.1fe442f98cf")
with marks(2, "e7_oculta_gradcheck_average", oculta=True):
    _gradcheck_pool("average", "fp1:30:n:1fb46c76e1d.13f7ca63aec.0ee44180494.14c0c8ee6e8.129581655bd")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ## Ejercicio 8 — Una CNN pequeña que aprende
#
# Con las piezas anteriores armamos una red completa y la entrenamos con fotos de
# gatos y perros reducidas a 16×16 píxeles:
#
# ```
# imagen 16×16×3 → conv 3×3, 16 filtros (stride 1, pad 2) → ReLU → max-pool 2×2 (stride 2)
#               → aplanar (9·9·16 = 1296) → capa densa 1296→2 → softmax → P(gato), P(perro)
# ```
#
# La convolución con `pad = 2` y `f = 3` agranda la imagen a 18×18; el *pooling* la
# reduce a 9×9. La capa densa multiplica el vector aplanado de cada imagen, de
# largo `n_fc`, por `W3` de forma `(n_fc, 2)` y suma `b3` de forma `(1, 2)`.
# **No escriba 1296 en su código**: las pruebas usan imágenes de otros tamaños, y
# `n_fc` sale de la forma de `W3` (o de aplanar con `reshape(m, -1)`).
#
# ### Los datos
#
# Las fotos se cargan con `cnnlab.data.load_dataset`, que busca la carpeta
# `data/cats-and-dogs` (ver la celda). Las etiquetas son un vector de forma `(m,)`
# con 0 = gato y 1 = perro, y los píxeles se escalan de 0–255 a 0–1.

# %% tipo="fijo" id="p1_e8_data"
import os

from cnnlab.data import load_dataset

EVALUANDO = bool(os.environ.get("NBGRADER_EXECUTION"))  # nbgrader lo define al calificar
target_size = (16, 16)
train_images, train_labels, test_images, test_labels = load_dataset(size=target_size)
X_train = train_images / 255.0
X_test = test_images / 255.0
print("X_train:", X_train.shape, " etiquetas:", train_labels.shape)
print("X_test: ", X_test.shape, " etiquetas:", test_labels.shape)

fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for ax, index in zip(axes.ravel(), np.r_[0:8, -8:0]):
    ax.imshow(train_images[index])
    ax.set_title("perro" if train_labels[index] else "gato", fontsize=9)
    ax.axis("off")
fig.suptitle("Algunas fotos de entrenamiento a 16×16 píxeles")
plt.show()

# %% [markdown]
# ### Funciones dadas
#
# Estas funciones ya están escritas; léalas, porque las va a usar.
#
# - `one_hot_encode(labels, 2)` convierte etiquetas `(m,)` en una matriz `(m, 2)` con un 1 por fila.
# - `relu(Z)` devuelve `(A, Z)`; `relu_backward(dA, Z)` deja pasar el gradiente donde `Z > 0`.
# - `softmax(Z)` convierte cada fila de `Z (m, 2)` en probabilidades que suman 1.
# - `compute_cost(A_last, Y)` es la entropía cruzada **promediada** sobre las `m` imágenes.
# - `initialize_parameters(n_H, n_W, n_C, n_filters=16)` crea `W1 (3, 3, n_C, n_filters)`,
#   `b1 (1, 1, 1, n_filters)`, `W3 (n_fc, 2)` y `b3 (1, 2)`, con `n_fc` calculado a partir
#   del tamaño de las imágenes. Los pesos son aleatorios con una escala que depende de
#   cuántas entradas `n` suma cada neurona: `W1` usa la de He, $\sqrt{2/n}$, pensada para
#   una capa seguida de ReLU (que anula la mitad de los valores); `W3` usa $\sqrt{1/n}$
#   (la de Xavier/LeCun), porque alimenta a softmax sin ReLU de por medio. Los sesgos
#   empiezan en cero.

# %% tipo="fijo" id="p1_e8_given"
CONV_HPARAMS = {"stride": 1, "pad": 2}
POOL_HPARAMS = {"f": 2, "stride": 2}


def one_hot_encode(labels, num_classes):
    """Etiquetas enteras (m,) -> matriz (m, num_classes) con un 1 en la columna de cada etiqueta."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"se esperaban etiquetas de forma (m,), no {labels.shape}")
    one_hot = np.zeros((labels.shape[0], num_classes))
    one_hot[np.arange(labels.shape[0]), labels] = 1.0
    return one_hot


def relu(Z):
    """ReLU casilla por casilla. Devuelve A (forma de Z) y Z como cache."""
    return np.maximum(0, Z), Z


def relu_backward(dA, Z):
    """Gradiente respecto de la entrada de ReLU: dA donde Z > 0, y 0 en el resto."""
    return dA * (Z > 0)


def softmax(Z):
    """Probabilidades por fila: Z (m, C) -> A (m, C), cada fila suma 1."""
    shifted = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return shifted / np.sum(shifted, axis=1, keepdims=True)


def compute_cost(A_last, Y):
    """Entropía cruzada promedio: A_last y Y de forma (m, C); devuelve un float."""
    m = Y.shape[0]
    return float(-np.sum(Y * np.log(A_last + 1e-12)) / m)


def fc_size(n_H, n_W, n_filters):
    """Largo del vector aplanado tras conv (f 3, pad 2, stride 1) y max-pool (f 2, stride 2)."""
    conv_H, conv_W = n_H + 2, n_W + 2
    return (conv_H // 2) * (conv_W // 2) * n_filters


def initialize_parameters(n_H, n_W, n_C, n_filters=16, n_classes=2):
    """Pesos al azar y sesgos en cero para imágenes (n_H, n_W, n_C).

    W1: escala de He, sqrt(2 / n) con n = 9·n_C entradas por filtro (capa seguida de ReLU).
    W3: escala de Xavier/LeCun, sqrt(1 / n_fc) (capa que alimenta a softmax, sin ReLU).
    """
    n_fc = fc_size(n_H, n_W, n_filters)
    return {
        "W1": np.random.randn(3, 3, n_C, n_filters) * np.sqrt(2.0 / (9 * n_C)),
        "b1": np.zeros((1, 1, 1, n_filters)),
        "W3": np.random.randn(n_fc, n_classes) * np.sqrt(1.0 / n_fc),
        "b3": np.zeros((1, n_classes)),
    }


# %% [markdown]
# ### Ejercicio 8a — El paso hacia adelante
#
# Implemente `simple_cnn_model`: aplique en orden `conv_forward` (con `CONV_HPARAMS`),
# `relu`, `pool_forward` (modo `"max"`, con `POOL_HPARAMS`), aplane con
# `reshape(m, -1)`, calcule `Z3 = A2_flat @ W3 + b3` y `softmax`. Guarde en `caches`
# todo lo que `backward_propagation` va a necesitar; una buena elección es un
# diccionario con el cache de la convolución, `Z1`, el cache del *pooling*, la forma
# de `A2`, `A2_flat` y `W3`.

# %% tipo="solucion" id="p1_e8_solution_forward"
def simple_cnn_model(image_array, parameters):
    """Paso hacia adelante de la CNN pequeña.

    image_array -- imágenes, array (m, n_H, n_W, n_C) con valores en [0, 1]
    parameters  -- dict con W1, b1, W3, b3 (ver initialize_parameters)
    Devuelve A_last, array (m, 2) de probabilidades, y caches para backward_propagation.
    """
    ### BEGIN SOLUTION
    Z1, cache_conv = conv_forward(image_array, parameters["W1"], parameters["b1"], CONV_HPARAMS)
    A1, _ = relu(Z1)
    A2, cache_pool = pool_forward(A1, POOL_HPARAMS, mode="max")
    A2_flat = A2.reshape(A2.shape[0], -1)
    Z3 = A2_flat @ parameters["W3"] + parameters["b3"]
    A_last = softmax(Z3)
    caches = {"conv": cache_conv, "Z1": Z1, "pool": cache_pool, "A2_shape": A2.shape,
              "A2_flat": A2_flat, "W3": parameters["W3"]}
    ### END SOLUTION
    return A_last, caches


# %% tipo="prueba" id="p1_e8_visible_forward" puntos=5
# La red usa sus funciones de los ejercicios 3 a 7. Si una prueba del ejercicio 8 falla,
# esas funciones se revisan en la misma entrada y, si una da un resultado incorrecto,
# el motivo dice qué ejercicio corregir primero.
def _capas_previas(X, parametros, huellas, hacia_atras=True):
    # (con un sesgo al azar: los de initialize_parameters son ceros y no dirían si se suman)
    X, W1 = X.copy(), parametros["W1"].copy()
    b1 = np.random.RandomState(807).randn(*parametros["b1"].shape)
    gradientes = np.random.RandomState(808)
    pasos = [
        ("conv_forward", 3, lambda v: conv_forward(X.copy(), W1.copy(), b1.copy(), dict(CONV_HPARAMS))[0],
         huellas[0]),
        ("pool_forward", 4, lambda v: pool_forward(np.maximum(0, v["conv_forward"]), dict(POOL_HPARAMS),
                                                   mode="max")[0], huellas[1]),
    ]
    if hacia_atras:
        pasos += [
            ("conv_backward", 5, lambda v: np.concatenate([np.ravel(g) for g in conv_backward(
                gradientes.randn(*v["conv_forward"].shape), (X.copy(), W1.copy(), b1.copy(),
                                                             dict(CONV_HPARAMS)))[1:]]), huellas[2]),
            ("pool_backward", 7, lambda v: pool_backward(
                gradientes.randn(*v["pool_forward"].shape), (np.maximum(0, v["conv_forward"]),
                                                             dict(POOL_HPARAMS)), mode="max"), huellas[3]),
        ]
    return Prerequisites(*pasos)


np.random.seed(seed_)
X_prueba = np.random.rand(2, 5, 7, 3)
parametros_prueba = initialize_parameters(5, 7, 3, n_filters=4)
previas = _capas_previas(X_prueba, parametros_prueba, (
    "fp1:2x7x9x4:n:025e064979d.1a092827f4c.115f754327d.0878ffd4ae6.1a16f33d01d",
    "fp1:2x3x4x4:n:1b5090d34bc.0225a9a73fe.1c00b97ba73.184c18573b3.12585029252",
), hacia_atras=False)
with marks(5, "e8_forward", pista="conv -> relu -> max-pool -> aplanar -> W3, b3 -> softmax; sin tamaños fijos."):
    with previas.explain():
        A_prueba, caches_prueba = simple_cnn_model(X_prueba, parametros_prueba)
        print("A_last =\n", A_prueba)
        check_array(A_prueba, "fp1:2x2:n:030121889eb.06ac920c69e.05f4c1e456d.0e635a60c71.0687a161413", "A_last")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e8_hidden_forward" puntos=2
# Prueba oculta: otra forma de imagen (4x6, 2 canales), 3 filtros y 3 imágenes.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(801)
np.random.seed(802)
_params = initialize_parameters(4, 6, 2, n_filters=3)
_X = _rs.rand(3, 4, 6, 2)
with marks(2, "e8_oculta_forward", oculta=True):
    _A = simple_cnn_model(_X, _params)[0]
    check_array(_A, "fp1:3x2:n:08c887ddd84.02dc9714191.0fdd6c09d86.03d7dd3d02e.08a8558694e", "A_last")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ### Ejercicio 8b — El paso hacia atrás
#
# Con softmax y entropía cruzada juntas, el gradiente del costo promedio respecto de
# `Z3` es simplemente
#
# $$dZ_3 = \frac{1}{m}\,(A_{last} - Y)$$
#
# (no vuelva a multiplicar por la derivada de softmax: ya está incluida). De ahí:
#
# - capa densa: `dW3 = A2_flat.T @ dZ3`, `db3 = dZ3.sum(axis=0, keepdims=True)` y
#   `dA2_flat = dZ3 @ W3.T`, que se vuelve a la forma de `A2`;
# - *pooling*: `dA1 = pool_backward(dA2, cache_pool, mode="max")`;
# - ReLU: `dZ1 = relu_backward(dA1, Z1)`;
# - convolución: `_, dW1, db1 = conv_backward(dZ1, cache_conv)`.
#
# Devuelva un diccionario con las claves `"dW1"`, `"db1"`, `"dW3"` y `"db3"`, cada una
# con la forma de su parámetro.

# %% tipo="solucion" id="p1_e8_solution_backward"
def backward_propagation(A_last, Y, caches):
    """Gradientes del costo promedio respecto de W1, b1, W3 y b3.

    A_last -- probabilidades (m, 2) de simple_cnn_model
    Y      -- etiquetas one-hot (m, 2)
    caches -- lo que devolvió simple_cnn_model
    Devuelve gradients, dict con "dW1", "db1", "dW3", "db3".
    """
    ### BEGIN SOLUTION
    m = Y.shape[0]
    dZ3 = (A_last - Y) / m
    dW3 = caches["A2_flat"].T @ dZ3
    db3 = np.sum(dZ3, axis=0, keepdims=True)
    dA2 = (dZ3 @ caches["W3"].T).reshape(caches["A2_shape"])
    dA1 = pool_backward(dA2, caches["pool"], mode="max")
    dZ1 = relu_backward(dA1, caches["Z1"])
    _, dW1, db1 = conv_backward(dZ1, caches["conv"])
    gradients = {"dW1": dW1, "db1": db1, "dW3": dW3, "db3": db3}
    ### END SOLUTION
    return gradients


# %% tipo="prueba" id="p1_e8_visible_gradients" puntos=5
# Compara sus gradientes con gradientes numéricos (diferencias centradas, h = 1e-6)
# del costo, en hasta 20 coordenadas de cada parámetro, y que el gradiente numérico sea
# el de la red correcta (con una red que devuelve siempre lo mismo, ambos serían cero).
# (Las entradas se eligieron lejos de los quiebres de ReLU y del max-pooling, donde la
# derivada no existe.)
np.random.seed(seed_)
X_prueba = np.random.rand(3, 5, 7, 3)
Y_prueba = one_hot_encode(np.array([0, 1, 1]), 2)
parametros_prueba = initialize_parameters(5, 7, 3, n_filters=4)
previas = _capas_previas(X_prueba, parametros_prueba, (
    "fp1:3x7x9x4:n:03243ca9775.185f5c7247b.037fcc80ca1.1b72290bb8f.196d822ef0b",
    "fp1:3x3x4x4:n:15443b19343.153742c4e76.0584b796b6f.06054c35aa7.0aaaf7cad32",
    "fp1:112:n:0094dca19e5.06d52d474f7.0c1467a3d0c.149187bb0f9.0ef11304a0a",
    "fp1:3x7x9x4:n:0ac803393fd.1b6298ed5af.1779d8d3454.011fe3b885a.0858a172718",
))


def _copias(parametros):
    return {clave: valor.copy() for clave, valor in parametros.items()}


def _error_gradiente(nombre, huella):
    A, caches = simple_cnn_model(X_prueba.copy(), _copias(parametros_prueba))
    analitico = backward_propagation(A, Y_prueba.copy(), caches)["d" + nombre]
    objetivo = parametros_prueba[nombre]
    assert np.shape(analitico) == objetivo.shape, f"d{nombre} tiene forma {np.shape(analitico)}"

    def costo(valor):
        copia = dict(_copias(parametros_prueba), **{nombre: valor.copy()})
        return compute_cost(simple_cnn_model(X_prueba.copy(), copia)[0], Y_prueba)

    indices = sample_indices(objetivo.shape, 20, seed=3)
    numerico = numeric_gradient(costo, objetivo.copy(), indices, h=1e-6)
    error = relative_error(numerico, [analitico[i] for i in indices])
    print(f"d{nombre}: error relativo {error:.1e}")
    assert error < 1e-6, f"d{nombre} no coincide con el gradiente numérico (error {error:.1e})"
    check_array(numerico, huella, f"el gradiente numérico de {nombre}")


with marks(2, "e8_dW1", pista="dZ1 = relu_backward(pool_backward(dA2, ...), Z1); luego conv_backward."):
    with previas.explain():
        _error_gradiente("W1", "fp1:20:n:0b75f171b2f.17cfbef719c.0d899ebba35.13977b79c4f.1d70e154639")
with marks(1, "e8_db1", pista="db1 sale de conv_backward con el mismo dZ1."):
    with previas.explain():
        _error_gradiente("b1", "fp1:4:n:0ebea8e8c5f.1467ffe938d.10ae6835992.087b7791ac0.1fcadd8611c")
with marks(1, "e8_dW3", pista="dZ3 es (A_last - Y) dividido entre m, sin la derivada de softmax encima."):
    with previas.explain():
        _error_gradiente("W3", "fp1:20:n:18c7b4157fe.0eb9585f27c.0949948dd2d.0852a3e911e.1719ee68855")
with marks(1, "e8_db3", pista="db3 suma dZ3 sobre las imágenes."):
    with previas.explain():
        _error_gradiente("b3", "fp1:2:n:184fa725fdf.01e654ced2a.08d068993e5.0d7a1d36991.1c1279e9b63")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e8_hidden_gradients" puntos=3
# Prueba oculta: los gradientes exactos en otro lote (4 imágenes de 6x4, 2 filtros).
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(803)
np.random.seed(804)
_params = initialize_parameters(6, 4, 3, n_filters=2)
_X = _rs.rand(4, 6, 4, 3)
_Y = one_hot_encode(np.array([1, 0, 0, 1]), 2)


def _gradientes():
    _A, _caches = simple_cnn_model(_X, _params)
    return backward_propagation(_A, _Y, _caches)


with marks(1, "e8_oculta_dW1", oculta=True):
    check_array(_gradientes()["dW1"], "fp1:3x3x3x2:n:1a54359a33f.0aa62d6cc3b.13f721a0c4a.0dbb7e27e87.08c08fce076", "dW1")
with marks(1, "e8_oculta_dW3", oculta=True):
    check_array(_gradientes()["dW3"], "fp1:24x2:n:049e96c598d.1209308bffb.1158d92f231.0454d557e2e.1e2f8069642", "dW3")
with marks(1, "e8_oculta_sesgos", oculta=True):
    check_array(_gradientes()["db1"], "fp1:1x1x1x2:n:048574cba47.0c366eb6825.02454fab6ef.0de02475def.0f8bc6bd50e", "db1")
    check_array(_gradientes()["db3"], "fp1:1x2:n:12ab5c13c3b.0c790461c90.0bb03bd155b.00f3a26efc9.172763d4045", "db3")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ### Ejercicio 8c — Un paso de descenso de gradiente
#
# Actualice cada parámetro restándole `learning_rate` por su gradiente:
# `W1 ← W1 − α·dW1`, y lo mismo para `b1`, `W3` y `b3`. Devuelva el diccionario
# de parámetros.

# %% tipo="solucion" id="p1_e8_solution_update"
def update_parameters(parameters, gradients, learning_rate=0.01):
    """Un paso de descenso de gradiente.

    parameters    -- dict con W1, b1, W3, b3
    gradients     -- dict con dW1, db1, dW3, db3 (mismas formas)
    learning_rate -- float, tamaño del paso
    Devuelve parameters con los valores actualizados.
    """
    ### BEGIN SOLUTION
    for name in ("W1", "b1", "W3", "b3"):
        parameters[name] = parameters[name] - learning_rate * gradients["d" + name]
    ### END SOLUTION
    return parameters


# %% tipo="prueba" id="p1_e8_visible_update" puntos=5
np.random.seed(seed_)
parametros_prueba = initialize_parameters(5, 7, 3, n_filters=4)
gradientes_prueba = {"d" + k: np.random.randn(*v.shape) for k, v in parametros_prueba.items()}
with marks(5, "e8_update", pista="Cada parámetro menos learning_rate por su gradiente (claves dW1, db1, dW3, db3)."):
    nuevos = update_parameters(dict(parametros_prueba), gradientes_prueba, learning_rate=0.1)
    check_array(nuevos["W1"], "fp1:3x3x3x4:n:12050b03352.1060ba3907d.1873de3fa38.19df4d1ba63.15ea473c9ec", "W1")
    check_array(nuevos["b1"], "fp1:1x1x1x4:n:0d90e066f0a.155574a5080.051aba600a6.10445974ff4.18f58e795cf", "b1")
    check_array(nuevos["W3"], "fp1:48x2:n:1596e326aa0.1b75de1fcde.105e79fe33f.11b12bbc2e8.120cbcc6159", "W3")
    check_array(nuevos["b3"], "fp1:1x2:n:0c68921e667.08d98b68be1.0f09233b3b4.1612a328836.04b4de56035", "b3")
puntos_de_la_celda()

# %% tipo="prueba" id="p1_e8_hidden_update" puntos=2
# Prueba oculta: otro learning rate y otros parámetros; se devuelven los cuatro.
### BEGIN HIDDEN TESTS
_rs = np.random.RandomState(805)
_params = {"W1": _rs.randn(3, 3, 2, 3), "b1": _rs.randn(1, 1, 1, 3),
           "W3": _rs.randn(12, 2), "b3": _rs.randn(1, 2)}
_grads = {"d" + k: _rs.randn(*v.shape) for k, v in _params.items()}
with marks(2, "e8_oculta_update", oculta=True):
    _nuevos = update_parameters(dict(_params), _grads, learning_rate=0.3)
    assert sorted(_nuevos) == ["W1", "W3", "b1", "b3"], "faltan o sobran parámetros"
    check_array(_nuevos["W1"], "fp1:3x3x2x3:n:13de592d11a.15d6e5fdc9c.15b89a14cde.18befdef77a.1ad2636426d", "W1")
    check_array(_nuevos["b1"], "fp1:1x1x1x3:n:0aeceebac9d.052f41160fe.0591e017644.05437c4a963.10c87d9065e", "b1")
    check_array(_nuevos["W3"], "fp1:12x2:n:17ad2bdb18b.16804afa4ad.0c6490113ea.10d1ccf4ff7.0f00579fe71", "W3")
    check_array(_nuevos["b3"], "fp1:1x2:n:0dc2babbaf9.0c1fe9eeb7f.1e1b5d9fc2d.009f3ac8ef3.0473b9575f9", "b3")
puntos_de_la_celda()
### END HIDDEN TESTS

# %% [markdown]
# ### Ejercicio 8d — ¿Aprende?
#
# La siguiente prueba entrena su red 15 pasos sobre un lote sintético de 8 imágenes
# en el que los "perros" tienen la mitad superior más clara. Si el paso hacia
# adelante, el paso hacia atrás y la actualización están bien, el costo baja al
# menos a la mitad.

# %% tipo="prueba" id="p1_e8_visible_training" puntos=5
np.random.seed(seed_)
etiquetas_sinteticas = np.array([0, 1, 0, 1, 1, 0, 1, 0])
X_sintetico = np.random.rand(8, 6, 6, 3) * 0.3
X_sintetico[etiquetas_sinteticas == 1, :3] += 0.6
Y_sintetico = one_hot_encode(etiquetas_sinteticas, 2)
parametros_sinteticos = initialize_parameters(6, 6, 3, n_filters=4)
previas = _capas_previas(X_sintetico, parametros_sinteticos, (
    "fp1:8x8x8x4:n:15a64684a96.096900e389a.1c632b63a32.0412e9292c2.12bd0f74b76",
    "fp1:8x4x4x4:n:0b107af3e05.1cf571a8226.143630b68ff.0570b3edf15.19c10a9991d",
    "fp1:112:n:19ddc9c9e90.0d4a66ea188.0010d887dbf.038496e3dd0.0fcd84f3ed1",
    "fp1:8x8x8x4:n:17395a91644.142ee82c8d3.0f6c6479655.120cf586e7c.1d9d83b3856",
))
with marks(5, "e8_training", pista="Si las pruebas anteriores pasan, esta también debería pasar."):
    with previas.explain():
        costos_sinteticos = []
        for paso in range(15):
            A, caches = simple_cnn_model(X_sintetico.copy(), parametros_sinteticos)
            costos_sinteticos.append(compute_cost(A, Y_sintetico))
            gradientes = backward_propagation(A, Y_sintetico.copy(), caches)
            parametros_sinteticos = update_parameters(parametros_sinteticos, gradientes, learning_rate=0.5)
        print(f"costo inicial {costos_sinteticos[0]:.4f}, costo final {costos_sinteticos[-1]:.4f}")
        assert costos_sinteticos[-1] <= 0.5 * costos_sinteticos[0], "el costo no bajó a la mitad"
puntos_de_la_celda()

# %% [markdown]
# ## Ejercicio 9 (bonus) — La convolución sin bucles sobre posiciones
#
# Las versiones con cuatro bucles llaman a NumPy una vez por cada casilla de la
# salida; el trabajo útil (unas pocas multiplicaciones) toma mucho menos tiempo que
# la llamada misma desde Python. Para entrenar con cientos de imágenes hace falta
# expresar la convolución como **una sola operación grande**.
#
# La idea (llamada *im2col*): juntar todas las ventanas en una matriz con una fila
# por ventana y `f·f·n_C_prev` columnas; entonces la convolución es **un producto de
# matrices** por `W` reacomodado a `(f·f·n_C_prev, n_C)`. NumPy puede darle las
# ventanas sin copiar nada:
#
# ```
# from numpy.lib.stride_tricks import sliding_window_view
# ventanas = sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, ::stride, ::stride]
# # forma (m, n_H, n_W, n_C_prev, f, f)
# ```
#
# Para el paso hacia atrás, las mismas matrices dan `dW` (otro producto) y el
# gradiente de cada ventana; para devolverlo a `dA_prev` se suman las ventanas en
# su lugar, recorriendo solo las `f·f` posiciones **dentro** del filtro (un bucle de
# 9 vueltas, no de miles). El *pooling* se vectoriza igual: `max` o `mean` sobre los
# dos últimos ejes de las ventanas.
#
# **Ejercicio (bonus, 10 puntos extra).** Implemente las cuatro funciones sin bucles
# de Python sobre imágenes, filas, columnas o canales. Deben dar los mismos resultados
# que sus versiones con bucles (hasta el redondeo). Si coinciden, el entrenamiento de
# abajo las usa y tarda segundos en lugar de minutos.
#
# **Cómo se califica el bonus.** Sus puntos son *extra*: no cuentan en el máximo del
# laboratorio y se muestran aparte (`bonus 10/10` junto al total). Cada función vale sus
# puntos solo si, además de dar los valores correctos, es de verdad vectorizada. La regla
# se mide así: en un lote grande (64 imágenes de 32×32, es decir 64·31·31 = 61 504
# posiciones de salida), su función debe tardar menos de lo que tarda Python en dar
# **una vuelta de bucle por cada 4 posiciones**; la duración de esa vuelta se mide en el
# momento, en la misma máquina, con un bucle que solo recorta un array diminuto y lo suma.
# Un bucle de Python sobre imágenes, filas, columnas o canales no cumple la regla (y
# llamar a su versión con bucles tampoco); un bucle corto sobre las `f·f` posiciones
# dentro del filtro, sí. La regla se aplica igual al calificar.

# %% tipo="solucion" id="p1_e9_solution_conv_forward"
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward_vec(A_prev, W, b, hparameters):
    """Como conv_forward, sin bucles sobre posiciones. Mismas formas y mismo cache."""
    ### BEGIN SOLUTION
    stride, pad = hparameters["stride"], hparameters["pad"]
    f, _, n_C_prev, n_C = W.shape
    windows = sliding_window_view(zero_pad(A_prev, pad), (f, f), axis=(1, 2))
    windows = windows[:, ::stride, ::stride]                   # (m, n_H, n_W, C, f, f)
    m, n_H, n_W = windows.shape[:3]
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(m * n_H * n_W, f * f * n_C_prev)
    Z = (cols @ W.reshape(f * f * n_C_prev, n_C)).reshape(m, n_H, n_W, n_C) + b.reshape(1, 1, 1, n_C)
    ### END SOLUTION
    return Z, (A_prev, W, b, hparameters)


# %% tipo="solucion" id="p1_e9_solution_pool_forward"
def pool_forward_vec(A_prev, hparameters, mode="max"):
    """Como pool_forward, sin bucles sobre posiciones. Mismas formas y mismo cache."""
    ### BEGIN SOLUTION
    f, stride = hparameters["f"], hparameters["stride"]
    windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    A = windows.max(axis=(4, 5)) if mode == "max" else windows.mean(axis=(4, 5))
    ### END SOLUTION
    return A, (A_prev, hparameters)


# %% tipo="solucion" id="p1_e9_solution_conv_backward"
def conv_backward_vec(dZ, cache):
    """Como conv_backward, sin bucles sobre posiciones (solo sobre las f·f del filtro)."""
    ### BEGIN SOLUTION
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f, _, n_C_prev, n_C = W.shape
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    _, n_H, n_W, _ = dZ.shape
    A_pad = zero_pad(A_prev, pad)
    windows = sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, ::stride, ::stride][:, :n_H, :n_W]
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(m * n_H * n_W, f * f * n_C_prev)
    dZ_rows = dZ.reshape(m * n_H * n_W, n_C)
    dW = (cols.T @ dZ_rows).reshape(W.shape)
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, n_C)
    dcols = (dZ_rows @ W.reshape(-1, n_C).T).reshape(m, n_H, n_W, f, f, n_C_prev)
    dA_pad = np.zeros(A_pad.shape)
    for di in range(f):
        for dj in range(f):
            dA_pad[:, di:di + stride * n_H:stride, dj:dj + stride * n_W:stride, :] += dcols[:, :, :, di, dj, :]
    dA_prev = dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    ### END SOLUTION
    return dA_prev, dW, db


# %% tipo="solucion" id="p1_e9_solution_pool_backward"
def pool_backward_vec(dA, cache, mode="max"):
    """Como pool_backward, sin bucles sobre posiciones (solo sobre las f·f de la ventana)."""
    ### BEGIN SOLUTION
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    _, n_H, n_W, _ = dA.shape
    if mode == "max":
        windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
        share = (windows == windows.max(axis=(4, 5), keepdims=True)) * dA[..., None, None]
    else:
        share = np.broadcast_to(dA[..., None, None] / (f * f), dA.shape + (f, f))
    dA_prev = np.zeros(A_prev.shape)
    for di in range(f):
        for dj in range(f):
            dA_prev[:, di:di + stride * n_H:stride, dj:dj + stride * n_W:stride, :] += share[..., di, dj]
    ### END SOLUTION
    return dA_prev


# %% tipo="bonus" id="p1_e9_bonus_conv_forward" puntos=3
# Bonus: los casos del ejercicio 3, uno con stride 2 y pad 0, y un lote grande sin bucles.
np.random.seed(seed_)
A_prev = np.random.randn(10, 7, 7, 5)
W = np.random.randn(3, 3, 5, 8)
b = np.random.randn(1, 1, 1, 8)
_grande = np.random.RandomState(90)
A_grande = _grande.rand(64, 32, 32, 1)
W_grande, b_grande = _grande.randn(2, 2, 1, 2), _grande.randn(1, 1, 1, 2)
with marks(3, "e9_conv_forward", pista="Mismas formas y valores que conv_forward, sin bucles sobre posiciones.", bonus=True):
    check_array(conv_forward_vec(A_prev, W, b, {"pad": 1, "stride": 1})[0], "fp1:10x7x7x8:n:05fc655495e.111e8185cc2.1c0632668e5.1deb031ab63.0a72831d150", "Z")
    check_array(conv_forward_vec(A_prev, W, b, {"pad": 0, "stride": 2})[0], "fp1:10x3x3x8:n:10f3faacb33.02c6e7d0f0f.1b45183b5eb.04af6bb3e28.014b2ccf19c", "Z con stride 2")
    Z_grande = sin_bucles(conv_forward_vec, (A_grande, W_grande, b_grande, {"pad": 0, "stride": 1}),
                          posiciones=64 * 31 * 31, nombre="conv_forward_vec")[0]
    check_array(Z_grande, "fp1:64x31x31x2:n:1b5cf5ee9d8.043ba76327e.1c65f88018e.0e5d55cb34e.025346d3e9b", "Z del lote grande")
puntos_de_la_celda()

# %% tipo="bonus" id="p1_e9_bonus_pool_forward" puntos=2
np.random.seed(seed_)
A_prev = np.random.randn(2, 5, 5, 3)
with marks(2, "e9_pool_forward", pista="max o mean sobre los dos ejes de cada ventana, sin bucles sobre posiciones.", bonus=True):
    check_array(pool_forward_vec(A_prev, {"stride": 1, "f": 3})[0], "fp1:2x3x3x3:n:18f36e8ffbb.0db6abe5aeb.13c30b67bb0.1dbc791dae5.1f97c1887e1", "A (max)")
    check_array(pool_forward_vec(A_prev, {"stride": 2, "f": 2}, mode="average")[0], "fp1:2x2x2x3:n:1e7cf50bb5d.0d459a41abc.05d44c09c36.1396f7915be.1459c4144a5", "A (average)")
    A_grande_pool = sin_bucles(pool_forward_vec, (A_grande, {"stride": 1, "f": 2}),
                               posiciones=64 * 31 * 31, nombre="pool_forward_vec")[0]
    check_array(A_grande_pool, "fp1:64x31x31x1:n:16eab86f726.05ad35e60c9.1b73f8b7c34.14a027336ca.1cf5d37fef9", "A del lote grande")
puntos_de_la_celda()

# %% tipo="bonus" id="p1_e9_bonus_conv_backward" puntos=3
np.random.seed(seed_)
A_prev = np.random.randn(10, 7, 7, 5)
W = np.random.randn(3, 3, 5, 8)
b = np.random.randn(1, 1, 1, 8)
dZ_bonus = np.random.randn(10, 3, 3, 8)  # salida de 7x7 con pad 2, f 3, stride 3
dZ_grande = np.random.RandomState(91).randn(64, 31, 31, 2)
with marks(3, "e9_conv_backward", pista="Mismos resultados que conv_backward (dA, dW, db); con pad 0 el recorte conserva todo.", bonus=True):
    for nombre, valor, huella in zip(
            ("dA", "dW", "db"),
            conv_backward_vec(dZ_bonus, (A_prev, W, b, {"pad": 2, "stride": 3})),
            ("fp1:10x7x7x5:n:1cb681ea592.0666008ace1.1cf5ed83d7f.196e6533385.1866f22c86c", "fp1:3x3x5x8:n:19f2c333dcd.00e8a3ee718.05cfe51f995.0c6ca0dd766.1e35892936c", "fp1:1x1x1x8:n:0344fc1e3c6.059c6ad9e50.13102b8576a.008ed5748e0.0cf387fdc4e")):
        check_array(valor, huella, nombre)
    _dZ0 = np.random.RandomState(9).randn(10, 5, 5, 8)
    check_array(conv_backward_vec(_dZ0, (A_prev, W, b, {"pad": 0, "stride": 1}))[0], "fp1:10x7x7x5:n:06734aa1ea7.0b5923fd4d8.0bfb1caf289.090c5408a7f.1dfdc8d177d", "dA con pad 0")
    gradientes_grandes = sin_bucles(conv_backward_vec, (dZ_grande, (A_grande, W_grande, b_grande, {"pad": 0, "stride": 1})),
                                    posiciones=64 * 31 * 31, nombre="conv_backward_vec")
    for nombre, valor, huella in zip(("dA", "dW", "db"), gradientes_grandes, ("fp1:64x32x32x1:n:0d7fe618a40.075a1127110.0e9731cefb6.0a43761c16c.17bd1eb545b", "fp1:2x2x1x2:n:1e1623a9a36.0feecd5d4ce.08a01f0d993.1c5f80da2ab.0fcbee5bb66", "fp1:1x1x1x2:n:03e6a70ac61.09e6fa23ef1.08e9a47ce1e.1e7ab02ca2b.005dcfe3a2c")):
        check_array(valor, huella, nombre + " del lote grande")
puntos_de_la_celda()

# %% tipo="bonus" id="p1_e9_bonus_pool_backward" puntos=2
np.random.seed(seed_)
A_prev = np.random.randn(5, 5, 3, 2)
dA = np.random.randn(5, 4, 2, 2)
dA_grande = np.random.RandomState(92).randn(64, 31, 31, 1)
with marks(2, "e9_pool_backward", pista="Máscara del máximo (o dA / (f·f)) de cada ventana, sumada en su lugar, sin bucles sobre posiciones.", bonus=True):
    check_array(pool_backward_vec(dA, (A_prev, {"stride": 1, "f": 2}), mode="max"), "fp1:5x5x3x2:n:1beb15c1f7a.062e6d08c72.0e96f9db251.02ce86f54b3.029b8f9e9ba", "dA_prev (max)")
    check_array(pool_backward_vec(dA, (A_prev, {"stride": 1, "f": 2}), mode="average"), "fp1:5x5x3x2:n:00d227f2e30.1d71f69c058.13bf77343a8.02b62c04156.19035e798de", "dA_prev (average)")
    dA_prev_grande = sin_bucles(pool_backward_vec, (dA_grande, (A_grande, {"stride": 1, "f": 2})),
                                posiciones=64 * 31 * 31, nombre="pool_backward_vec")
    check_array(dA_prev_grande, "fp1:64x32x32x1:n:0de1253e6e5.117d7628d06.146184d5f3d.16cd470705f.05affde731d", "dA_prev del lote grande")
puntos_de_la_celda()

# %% [markdown]
# ### ¿Cuánto más rápido?
#
# La gráfica compara el tiempo de la convolución hacia adelante sobre un lote de
# 32 fotos de 16×16 con 16 filtros: sus bucles, su versión vectorizada (si coincide
# con la de bucles) y, si PyTorch está instalado, `torch.nn.functional.conv2d`.
#
# Como referencia, en una máquina de 2 núcleos (el mejor de varios intentos, en
# `float64`, con las soluciones del curso): bucles, unos 2.5 s; versión vectorizada,
# unos 12 ms (unas 200 veces menos); `conv2d` de PyTorch, alrededor de 1 ms (unas 10
# veces menos que la vectorizada). Sus tiempos pueden variar según la máquina.

# %% tipo="fijo" id="p1_e9_timing"
from cnnlab import timing
from cnnlab.training import layers_agree

capas_bucles = {"conv_forward": conv_forward, "conv_backward": conv_backward,
                "pool_forward": pool_forward, "pool_backward": pool_backward}
capas_vectorizadas = {"conv_forward": conv_forward_vec, "conv_backward": conv_backward_vec,
                      "pool_forward": pool_forward_vec, "pool_backward": pool_backward_vec}
vectorizadas_ok, motivo = layers_agree(capas_bucles, capas_vectorizadas)
print("Capas vectorizadas:", "coinciden con las de bucles" if vectorizadas_ok else f"no se usan ({motivo})")

if not EVALUANDO:
    np.random.seed(seed_)
    lote = X_train[:32]
    W_t, b_t = np.random.randn(3, 3, 3, 16) * 0.1, np.zeros((1, 1, 1, 16))
    tiempos = {}
    try:
        tiempos["bucles (NumPy)"] = timing.best_time(conv_forward, lote, W_t, b_t, CONV_HPARAMS, repeat=1)
    except NotImplementedError:
        pass
    if vectorizadas_ok:
        tiempos["vectorizada (NumPy)"] = timing.best_time(conv_forward_vec, lote, W_t, b_t, CONV_HPARAMS)
    try:
        import torch
        import torch.nn.functional as F
        x_t = torch.from_numpy(lote).permute(0, 3, 1, 2)
        w_t = torch.from_numpy(W_t).permute(3, 2, 0, 1)
        tiempos["PyTorch conv2d"] = timing.best_time(F.conv2d, x_t, w_t, padding=2)
    except ImportError:
        print("PyTorch no está instalado: se omite su barra.")
    if tiempos:
        timing.bar_chart(tiempos, "Convolución hacia adelante, 32 imágenes 16×16×3, 16 filtros")

# %% [markdown]
# ## Entrenamiento con las fotos
#
# Ahora sí: descenso de gradiente por mini-lotes sobre las fotos de entrenamiento.
# Si sus capas vectorizadas coinciden con las de bucles, se usan las vectorizadas y
# se entrena con todas las fotos; si no, se usan las de bucles con un subconjunto
# pequeño (sería demasiado lento). Al calificar, el entrenamiento se reduce a unos
# pocos lotes: no da puntos, solo se muestra.

# %% tipo="fijo" id="p1_e8_train"
from tqdm.auto import tqdm

from cnnlab.training import minibatches, use_layers


def entrenar(X, etiquetas, parameters, epocas, tam_lote, learning_rate, max_lotes=None):
    """Descenso de gradiente por mini-lotes; devuelve los parámetros y el costo medio por época."""
    rng = np.random.RandomState(seed_)
    Y = one_hot_encode(etiquetas, 2)
    costos = []
    barra = tqdm(total=epocas, desc="épocas", disable=EVALUANDO)
    for epoca in range(epocas):
        suma, vistos = 0.0, 0
        for numero, idx in enumerate(minibatches(len(X), tam_lote, rng)):
            if max_lotes is not None and numero >= max_lotes:
                break
            A, caches = simple_cnn_model(X[idx], parameters)
            suma += compute_cost(A, Y[idx]) * len(idx)
            vistos += len(idx)
            parameters = update_parameters(parameters, backward_propagation(A, Y[idx], caches),
                                           learning_rate)
        costos.append(suma / vistos)
        barra.update(1)
        barra.set_postfix(costo=f"{costos[-1]:.4f}")
    barra.close()
    return parameters, costos


def exactitud(X, etiquetas, parameters, tam_lote=100):
    """Exactitud (accuracy): porcentaje de imágenes cuya clase más probable es la correcta."""
    aciertos = 0
    for inicio in range(0, len(X), tam_lote):
        A, _ = simple_cnn_model(X[inicio:inicio + tam_lote], parameters)
        aciertos += int(np.sum(np.argmax(A, axis=1) == etiquetas[inicio:inicio + tam_lote]))
    return 100.0 * aciertos / len(X)


if vectorizadas_ok:
    capas, n_train, epocas, max_lotes = capas_vectorizadas, len(X_train), 30, None
else:
    capas, n_train, epocas, max_lotes = capas_bucles, 64, 3, None
if EVALUANDO:
    epocas, max_lotes = 1, 2

np.random.seed(seed_)
parametros = initialize_parameters(*target_size, 3)
try:  # un paso con dos fotos: ¿están todas las piezas de los ejercicios 3 a 8?
    with use_layers(globals(), capas):
        A, caches = simple_cnn_model(X_train[:2], parametros)
        update_parameters(dict(parametros), backward_propagation(A, one_hot_encode(train_labels[:2], 2), caches))
    motivo_sin_entrenar = ""
except NotImplementedError:
    motivo_sin_entrenar = "Complete los ejercicios 3 a 8 para poder entrenar."
except Exception as error:  # noqa: BLE001 - un error del código del ejercicio, en una línea
    from cnnlab.failures import describe

    motivo_sin_entrenar = f"No se puede entrenar todavía: {describe(error)}. Revise los ejercicios 3 a 8."

if motivo_sin_entrenar:
    print(motivo_sin_entrenar)
elif EVALUANDO:
    # al calificar solo se comprueba que el entrenamiento corre: dos mini-lotes no dicen nada
    with use_layers(globals(), capas):
        entrenar(X_train[:n_train], train_labels[:n_train], parametros, epocas, tam_lote=32,
                 learning_rate=0.05, max_lotes=max_lotes)
    print("Al calificar, el entrenamiento se acorta a dos mini-lotes (no da puntos): "
          "no se muestran costos ni exactitudes.")
else:
    print(f"Entrenando con {n_train} fotos, {epocas} épocas, capas "
          f"{'vectorizadas' if vectorizadas_ok else 'con bucles'}.")
    with use_layers(globals(), capas):
        parametros, costos = entrenar(X_train[:n_train], train_labels[:n_train], parametros,
                                      epocas, tam_lote=32, learning_rate=0.05, max_lotes=max_lotes)
        acc_train = exactitud(X_train[:n_train], train_labels[:n_train], parametros)
        acc_test = exactitud(X_test, test_labels, parametros)
    print(f"Costo: {costos[0]:.4f} en la primera época, {costos[-1]:.4f} en la última")
    print(f"Exactitud (accuracy) en entrenamiento: {acc_train:.1f} %   en prueba: {acc_test:.1f} %")
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(range(1, len(costos) + 1), costos, marker="o")
    ax.set_xlabel("época")
    ax.set_ylabel("costo medio (entropía cruzada)")
    ax.set_title("Costo por época")
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ### Preguntas (calificación manual, 5 puntos cada una)
#
# Responda en la celda de abajo de cada pregunta, con sus palabras y usando lo que
# observó arriba.
#
# **Pregunta 1.** La exactitud (*accuracy*) en prueba de esta red es modesta. ¿Por qué
# cree que rinde así? Piense en la resolución de las imágenes, en el tamaño de la red y
# en la cantidad de datos.

# %% [markdown] tipo="respuesta" id="p1_e8_answer_q1" puntos=5
# ### BEGIN SOLUTION
# Ejemplo de respuesta: a 16×16 se pierde casi toda la forma del animal; una sola
# capa convolucional de 16 filtros 3×3 solo ve rasgos muy locales (bordes, colores);
# 560 fotos son pocas y variadas (fondos, posturas), así que la red aprende sobre
# todo colores y brillo, y sobreajusta.
# ### END SOLUTION

# %% [markdown]
# **Pregunta 2.** ¿Qué cambiaría para mejorarla? Proponga al menos tres cambios
# concretos y diga qué espera de cada uno.

# %% [markdown] tipo="respuesta" id="p1_e8_answer_q2" puntos=5
# ### BEGIN SOLUTION
# Ejemplo: más resolución (64×64); más capas convolucionales con pooling para ver
# rasgos más grandes; aumento de datos (volteos, recortes); un optimizador con
# momento o Adam y más épocas; normalizar por canal; regularización (dropout,
# weight decay) para reducir el sobreajuste; más fotos.
# ### END SOLUTION

# %% [markdown]
# **Pregunta 3.** ¿Por qué las versiones con bucles son tan lentas? Use la gráfica
# de tiempos (o, si no hizo el bonus ni tiene PyTorch, los tiempos de referencia que
# acompañan a la gráfica) para explicar qué cambia en la versión vectorizada y qué
# más hace PyTorch.

# %% [markdown] tipo="respuesta" id="p1_e8_answer_q3" puntos=5
# ### BEGIN SOLUTION
# Ejemplo: con bucles, Python interpreta y llama a NumPy una vez por casilla de la
# salida (cientos de miles de veces por lote), y cada llamada tarda más que el
# cálculo que hace. La versión vectorizada hace una sola multiplicación de matrices grande en
# código compilado (BLAS), cientos de veces más rápida. PyTorch además usa núcleos
# optimizados para convolución, varios hilos y la GPU si la hay.
# ### END SOLUTION

# %% [markdown]
# ## Resumen
#
# La tabla y la gráfica muestran los puntos de las pruebas visibles que ha ejecutado,
# con el bonus aparte. La nota de este notebook suma, al calificar, las pruebas visibles
# y las ocultas (que solo corren entonces) y las tres preguntas escritas del ejercicio 8,
# que el equipo docente califica a mano con una rúbrica. En todo el laboratorio las
# preguntas escritas son seis (tres en esta parte y tres en la Parte 2, 5 puntos cada
# una): 30 puntos que esta tabla no incluye. La nota del laboratorio se calcula como se
# explica al comienzo (los 252 puntos de ambas partes, en escala de 0 a 100, más el bonus
# sin pasar de 100).

# %% tipo="fijo" id="p1_summary"
resumen();
