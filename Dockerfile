# optviz for a workshop server: docker build -t optviz . && docker run -p 8501:8501 optviz

# The fused C trajectory kernels, built where a compiler is, by the Makefile's rule (one build runs
# on any x86-64: it picks its AVX2 or AVX-512 version when loaded).
FROM python:3.11 AS kernels
WORKDIR /src
COPY Makefile ./
COPY optviz ./optviz
# the C of the optimizers' updates is generated from their rules (numpy only), then compiled
RUN pip install --no-cache-dir "numpy>=2.0,<3" && python -c "from optviz import codegen; codegen.write()" \
    && make -o optviz/_fused_rules.h optviz/_fused.so && test -f optviz/_fused.so

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY optviz ./optviz
COPY --from=kernels /src/optviz/_fused.so ./optviz/
RUN OPTVIZ_BUILD_FUSED=0 pip install --no-cache-dir ".[redis]"
COPY app.py ./
COPY pages ./pages
COPY .streamlit ./.streamlit
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
