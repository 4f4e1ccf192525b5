"""iamlint's engine: decoding, the policy model, the catalog, the runner, reporters and the CLI."""

__version__ = "0.1.0"
