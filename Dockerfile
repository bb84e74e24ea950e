# Multi-stage build: SDK image compiles, the ASP.NET runtime image runs as a non-root user.
#   docker build -t serving .
#   docker run -p 8000:8000 -v $PWD/models:/models -e SERVING_MODEL=/models/model.gguf serving
#   docker run -p 8000:8000 -v serving-models:/models \
#       -e SERVING_MODEL=hf:TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/tinyllama-1.1b-chat-v1.0.Q8_0.gguf serving
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Server/Serving.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN groupadd --gid 10001 serving \
    && useradd --uid 10001 --gid serving --no-create-home serving \
    && mkdir -p /models && chown serving:serving /models
COPY --from=build /app /app
USER 10001
WORKDIR /app
# Settings come from the environment (SERVING_*): the model path or hf:OWNER/REPO/FILE.gguf, cache dir for downloads.
ENV SERVING_HOST=0.0.0.0 \
    SERVING_PORT=8000 \
    SERVING_MODEL_CACHE=/models \
    DOTNET_gcServer=0
VOLUME ["/models"]
EXPOSE 8000
# The binary checks its own /health (no curl in the runtime image).
HEALTHCHECK --interval=10s --timeout=3s --start-period=600s --retries=3 CMD ["/app/serving", "healthcheck"]
ENTRYPOINT ["/app/serving"]
CMD ["serve"]
