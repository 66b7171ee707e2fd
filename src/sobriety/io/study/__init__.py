"""Study data packages (Frictionless Data Package in a zip): schema, writing, reading, merging."""
