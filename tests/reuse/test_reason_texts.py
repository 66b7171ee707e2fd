"""Reasons as the technician reads them, in French and English: no raw code or value."""

from __future__ import annotations

import pytest

from sobriety.domain.reuse.explain import ChannelOutcome, Reason
from sobriety.domain.reuse.text import outcome_summary, render_reason
from sobriety.domain.vocab import Channel
from sobriety.i18n import set_language


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("en")


def test_sensitive_storage_without_any_erasure_says_so_in_words(french) -> None:
    none = Reason("sensitive_destroy_storage", "block", {"level": "none"})
    assert render_reason(none) == (
        "données sensibles\u00a0: détruire le support de stockage (aucun effacement enregistré)"
    )
    set_language("en")
    assert render_reason(none) == "sensitive data: destroy the storage (no erasure recorded)"
    clear = Reason("sensitive_destroy_storage", "block", {"level": "clear"})
    assert render_reason(clear).endswith("(best erasure recorded: clear)")


def test_several_reasons_are_joined_the_french_way(french) -> None:
    outcome = ChannelOutcome(
        channel=Channel.REDEPLOY,
        label="",
        state="ruled_out",
        reasons=(Reason("sensitive_excluded", "out"), Reason("erasure_missing", "out",
                 {"need": "purge"})),
        counts_toward_target="yes",
    )  # fmt: skip
    assert "filière exclue\u00a0; effacement non enregistré" in outcome_summary(outcome)
    set_language("en")
    assert "excluded from this channel; erasure not recorded" in outcome_summary(outcome)
