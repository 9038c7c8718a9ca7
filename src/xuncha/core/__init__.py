"""Plain-Python core of xuncha: documents, parsers, renderers, lint and reuse. Never imports Django."""
