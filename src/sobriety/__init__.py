"""sobriety: inventory, lifecycle carbon and reuse channels for a public IT fleet."""

__version__ = "0.1.0"
