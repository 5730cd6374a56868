# optviz for a workshop server: docker build -t optviz . && docker run -p 8501:8501 optviz
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY optviz ./optviz
RUN pip install --no-cache-dir .
COPY app.py ./
COPY pages ./pages
COPY .streamlit ./.streamlit
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.maxUploadSize=2"]
