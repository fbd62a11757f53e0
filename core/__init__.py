"""The bottom layer: value types (samples, quality, device status), the plant-file schema,
alarm and risk records, messages, formatting, paths and the plant clock. Everything may import
it; it imports nothing of ours and no Qt."""
