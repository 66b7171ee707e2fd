"""The terminal UI for technicians (Textual)."""
