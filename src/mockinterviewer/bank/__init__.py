"""The question bank as validated data: schema, YAML loader, question selection, prep-guide import."""
