#!/usr/bin/env bash
# Regenerate transport/sparkplug_b_pb2.py from Eclipse Tahu's Sparkplug B definition
# (transport/sparkplug_b.proto). Needs grpcio-tools (a development tool, not a dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m grpc_tools.protoc --proto_path=transport --python_out=transport transport/sparkplug_b.proto
