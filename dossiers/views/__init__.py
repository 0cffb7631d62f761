"""HTML views of the dossiers app, one module per audience (accounts, citizen, desk)."""
