"""State changes, one module per use case, called alike by the blueprints and the CLI."""
