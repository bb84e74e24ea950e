#!/usr/bin/env bash
# Checks what can be checked of deploy/ without Docker or a cluster: Prometheus config and rules (promtool), the
# dashboard's PromQL against a real Prometheus scraping a real server, the Kubernetes manifests (kustomize build),
# and the container entrypoint run directly. Needs a built server (scripts/setup.sh) and ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
model=../shared/models/stories260K.gguf
out=$(mktemp -d)
dotnet publish src/Server/Serving.Server.csproj -c Release -o "$out" --nologo -v quiet >/dev/null
promtool check config deploy/prometheus/prometheus.yml
promtool check rules deploy/prometheus/rules.yml
python3 -c 'import json,sys; json.load(open("deploy/grafana/serving-dashboard.json"))' && echo "grafana dashboard: valid JSON"
python3 - <<'PY'
# The compose file: services, images or builds, the dashboard provisioning mounts; docker compose itself is not installed.
import yaml
c = yaml.safe_load(open("deploy/docker-compose.yml"))
assert set(c["services"]) == {"serving", "prometheus", "grafana"}, c["services"].keys()
assert c["services"]["serving"]["build"]["dockerfile"] == "Dockerfile"
assert "SERVING_Engine__ModelPath" in c["services"]["serving"]["environment"]
assert any("provisioning" in v for v in c["services"]["grafana"]["volumes"])
print("deploy/docker-compose.yml: structure OK")
PY
if command -v kubectl >/dev/null; then
  kubectl kustomize deploy/k8s >/dev/null && echo "deploy/k8s: kustomize build OK"
else
  echo "kubectl not installed: Kubernetes manifests not checked"
fi
python3 deploy/tests/prometheus_dashboard_test.py "$out/serving" "$model"
bash deploy/tests/entrypoint_test.sh "$out" "$model"
rm -rf "$out"
