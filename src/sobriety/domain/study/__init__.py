"""The reuse-sector study: anonymised outgoing devices, volumes and the outflow forecast.

Pure functions over numpy arrays (no storage, no files): :mod:`.anonymise`
(age bands, k-anonymity by generalisation), :mod:`.forecast` (devices and
tonnes expected to leave service in the next five years) and :mod:`.volumes`
(outgoing volumes by category, channel, year and site kind).
"""
